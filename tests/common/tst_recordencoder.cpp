#include "fixtures.h"
#include "namevaluedecoder.h"
#include "recorddecoder.h"
#include "recordencoder.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;
using fixtures::makeRecord;

class tst_RecordEncoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTrip_data();
    void roundTrip();
    void exactBytes_data();
    void exactBytes();
    void appendKeepsPrefix();
    void endOfResponse_data();
    void endOfResponse();
    void nameValueLengths_data();
    void nameValueLengths();
    void nameValuesRoundTrip();
};

void tst_RecordEncoder::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_RecordEncoder::roundTrip_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("records");
    QTest::newRow("empty-is-stream-end") << 0 << 1;
    QTest::newRow("1") << 1 << 1;
    QTest::newRow("7") << 7 << 1;
    QTest::newRow("8") << 8 << 1;
    QTest::newRow("9") << 9 << 1;
    QTest::newRow("65535-max-one-record") << 65535 << 1;
    QTest::newRow("65536-splits") << 65536 << 2;
    QTest::newRow("2x65535") << 2 * 65535 << 2;
    QTest::newRow("2x65535+3") << 2 * 65535 + 3 << 3;
    QTest::newRow("1MiB") << (1 << 20) << 17;
}

void tst_RecordEncoder::roundTrip()
{
    QFETCH(int, size);
    QFETCH(int, records);
    QByteArray content(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        content[i] = char(i * 7 + i / 251);
    const QByteArray wire = encodeRecord(RecordType::Stdout, 513, content);

    // Every record: content <= 65535 and content + padding a multiple of 8.
    qsizetype pos = 0;
    int headers = 0;
    while (pos < wire.size()) {
        QVERIFY(wire.size() - pos >= kHeaderLength);
        const auto *h = reinterpret_cast<const quint8 *>(wire.constData() + pos);
        QCOMPARE(h[0], kFcgiVersion1);
        QCOMPARE(h[1], quint8(RecordType::Stdout));
        QCOMPARE((h[2] << 8) | h[3], 513);
        const int length = (h[4] << 8) | h[5];
        QVERIFY(length <= kMaxContentLength);
        QCOMPARE((length + h[6]) % 8, 0);
        QVERIFY(h[6] < 8);
        QCOMPARE(h[7], quint8(0));
        pos += kHeaderLength + length + h[6];
        ++headers;
    }
    QCOMPARE(pos, wire.size());
    QCOMPARE(headers, records);

    RecordDecoder d;
    d.feed(wire);
    QByteArray decoded;
    int n = 0;
    while (auto r = d.next()) {
        QCOMPARE(r->recordType(), RecordType::Stdout);
        QCOMPARE(r->requestId, quint16(513));
        decoded += r->content;
        ++n;
    }
    QCOMPARE(n, records);
    QCOMPARE(decoded, content);
    QCOMPARE(d.pendingBytes(), 0);
    QCOMPARE(d.error(), DecodeError::None);
}

void tst_RecordEncoder::exactBytes_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("stream-end")
        << encodeStreamEnd(RecordType::Stdout, 0x0102)
        << QByteArray::fromHex("0106010200000000");
    QTest::newRow("empty-record")
        << encodeRecord(RecordType::Stderr, 1, {}) << QByteArray::fromHex("0107000100000000");
    QTest::newRow("end-request")
        << encodeEndRequest(0x0102, 0x01020304, ProtocolStatus::Overloaded)
        << QByteArray::fromHex("0103010200080000" "0102030402000000");
    QTest::newRow("end-request-complete")
        << encodeEndRequest(7, 0, ProtocolStatus::RequestComplete)
        << QByteArray::fromHex("0103000700080000" "0000000000000000");
    QTest::newRow("end-request-max-app-status")
        << encodeEndRequest(1, 0xffffffffu, ProtocolStatus::UnknownRole)
        << QByteArray::fromHex("0103000100080000" "ffffffff03000000");
    QTest::newRow("unknown-type")
        << encodeUnknownType(42) << QByteArray::fromHex("010b000000080000" "2a00000000000000");
    QTest::newRow("get-values-result")
        << encodeGetValuesResult({ { "FCGI_MPXS_CONNS", "1" } })
        << QByteArray::fromHex("010a000000120600" "0f01") + "FCGI_MPXS_CONNS" "1"
            + QByteArray(6, '\0');
    QTest::newRow("get-values-result-empty")
        << encodeGetValuesResult({}) << QByteArray::fromHex("010a000000000000");
    QTest::newRow("begin-request-keep-conn")
        << encodeBeginRequest(1, Role::Responder, true)
        << QByteArray::fromHex("0101000100080000" "0001010000000000");
    QTest::newRow("begin-request-filter")
        << encodeBeginRequest(0x1234, Role::Filter, false)
        << QByteArray::fromHex("0101123400080000" "0003000000000000");
    QTest::newRow("begin-request-raw-role")
        << encodeBeginRequestRawRole(2, 0xbeef, 0xff)
        << QByteArray::fromHex("0101000200080000" "beefff0000000000");
    QTest::newRow("abort-request")
        << encodeAbortRequest(9) << QByteArray::fromHex("0102000900000000");
    QTest::newRow("get-values")
        << encodeGetValues({ "FCGI_MAX_CONNS", "FCGI_MPXS_CONNS" })
        << QByteArray::fromHex("0109000000210700" "0e00") + "FCGI_MAX_CONNS"
            + QByteArray::fromHex("0f00") + "FCGI_MPXS_CONNS" + QByteArray(7, '\0');
    QTest::newRow("raw-unknown-type")
        << encodeRawRecord(0xc8, 0, "abc") << QByteArray::fromHex("01c8000000030500") + "abc"
            + QByteArray(5, '\0');
}

void tst_RecordEncoder::exactBytes()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, expected);
    QCOMPARE(encoded.toHex(' '), expected.toHex(' '));
}

void tst_RecordEncoder::appendKeepsPrefix()
{
    QByteArray out("prefix");
    appendRecord(out, RecordType::Stdout, 1, "x");
    appendEndRequest(out, 1, 5, ProtocolStatus::RequestComplete);
    QVERIFY(out.startsWith("prefix"));
    RecordDecoder d;
    d.feed(QByteArrayView(out).sliced(6));
    auto a = d.next();
    auto b = d.next();
    QVERIFY(a && b);
    QCOMPARE(a->content, QByteArray("x"));
    QCOMPARE(b->recordType(), RecordType::EndRequest);
    QCOMPARE(b->content, QByteArray::fromHex("0000000500000000"));
}

void tst_RecordEncoder::endOfResponse_data()
{
    QTest::addColumn<quint16>("requestId");
    QTest::addColumn<quint32>("appStatus");
    QTest::addColumn<bool>("stderrUsed");
    QTest::newRow("stdout-only") << quint16(1) << quint32(0) << false;
    QTest::newRow("with-stderr") << quint16(7) << quint32(0) << true;
    QTest::newRow("high-id-and-status") << quint16(0xfffe) << quint32(0x01020304) << false;
}

// The in-place encoding is byte for byte what the record-by-record encoders produce.
void tst_RecordEncoder::endOfResponse()
{
    QFETCH(quint16, requestId);
    QFETCH(quint32, appStatus);
    QFETCH(bool, stderrUsed);
    QByteArray expected;
    appendRecord(expected, RecordType::Stdout, requestId, {});
    if (stderrUsed)
        appendRecord(expected, RecordType::Stderr, requestId, {});
    appendEndRequest(expected, requestId, appStatus, ProtocolStatus::RequestComplete);
    const EndOfResponse end =
        encodeEndOfResponse(requestId, appStatus, ProtocolStatus::RequestComplete, stderrUsed);
    QCOMPARE(end.view().toByteArray().toHex(' '), expected.toHex(' '));
}

void tst_RecordEncoder::nameValueLengths_data()
{
    QTest::addColumn<int>("nameLength");
    QTest::addColumn<int>("valueLength");
    QTest::addColumn<int>("lengthBytes");
    QTest::newRow("empty-value") << 4 << 0 << 2;
    QTest::newRow("127-one-byte") << 127 << 127 << 2;
    QTest::newRow("128-four-bytes") << 128 << 1 << 5;
    QTest::newRow("value-128") << 1 << 128 << 5;
    QTest::newRow("both-long") << 300 << 70000 << 8;
}

void tst_RecordEncoder::nameValueLengths()
{
    QFETCH(int, nameLength);
    QFETCH(int, valueLength);
    QFETCH(int, lengthBytes);
    const QByteArray name(nameLength, 'n');
    const QByteArray value(valueLength, 'v');
    QByteArray out;
    appendNameValue(out, name, value);
    QCOMPARE(out.size(), lengthBytes + nameLength + valueLength);
    QCOMPARE(out, fixtures::nameValue(name, value));
}

void tst_RecordEncoder::nameValuesRoundTrip()
{
    const NameValueList pairs = {
        { "REQUEST_METHOD", "GET" },
        { "EMPTY", "" },
        { QByteArray(128, 'k'), QByteArray(127, 'v') },
        { "HTTP_COOKIE", QByteArray(100000, 'c') },
        { QByteArray("bin\0ary", 7), QByteArray("\x00\xff\x80", 3) },
    };
    const auto decoded = NameValueDecoder::decodeAll(encodeNameValues(pairs));
    QVERIFY(decoded);
    QCOMPARE(*decoded, pairs);
}

QTEST_APPLESS_MAIN(tst_RecordEncoder)
#include "tst_recordencoder.moc"
