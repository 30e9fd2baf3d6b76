#include "fixtures.h"
#include "recorddecoder.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;
using fixtures::makeRecord;

namespace {
struct Flat
{
    quint8 type;
    quint16 id;
    QByteArray content;
    bool operator==(const Flat &o) const
    {
        return type == o.type && id == o.id && content == o.content;
    }
};

QList<Flat> drain(RecordDecoder &decoder)
{
    QList<Flat> out;
    while (auto r = decoder.next())
        out.append({ r->type, r->requestId, r->content });
    return out;
}

QByteArray twoInterleaved()
{
    return fixtures::interleave(fixtures::simpleGetRecords(1, "/a"),
                                fixtures::simpleGetRecords(2, "/b?x=1"));
}
} // namespace

class tst_RecordDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void splitAnywhere_data();
    void splitAnywhere();
    void oneByteAtATime_data() { splitAnywhere_data(); }
    void oneByteAtATime();
    void fields_data();
    void fields();
    void paddingHonoured_data();
    void paddingHonoured();
    void trailingPartialUntouched_data();
    void trailingPartialUntouched();
    void badVersion_data();
    void badVersion();
};

void tst_RecordDecoder::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_RecordDecoder::splitAnywhere_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("records");
    QTest::newRow("begin-params-stdin") << fixtures::simpleGet(1) << 4;
    QTest::newRow("long-value-4-byte-length") << fixtures::paramsWithValue(1, 200) << 2;
    QTest::newRow("two-requests-interleaved") << twoInterleaved() << 8;
    QTest::newRow("max-padding")
        << makeRecord(RecordType::Stdin, 7, "abc", 255) + makeRecord(RecordType::Stdin, 7, {}, 255)
        << 2;
    QTest::newRow("empty-records-only")
        << makeRecord(RecordType::Params, 1, {}) + makeRecord(RecordType::Stdin, 1, {}) << 2;
    QTest::newRow("management-and-unknown-type")
        << makeRecord(RecordType::GetValues, 0, fixtures::nameValue("FCGI_MPXS_CONNS", {}))
            + makeRecord(quint8(42), 0, "x", 7)
        << 2;
}

void tst_RecordDecoder::splitAnywhere()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, records);
    RecordDecoder whole;
    whole.feed(wire);
    const QList<Flat> expected = drain(whole);
    QCOMPARE(expected.size(), records);
    QCOMPARE(whole.pendingBytes(), 0);
    for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
        RecordDecoder d;
        d.feed(QByteArrayView(wire).first(cut));
        QList<Flat> got = drain(d);
        d.feed(QByteArrayView(wire).sliced(cut));
        got += drain(d);
        QVERIFY2(got == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
        QCOMPARE(d.error(), DecodeError::None);
        QCOMPARE(d.pendingBytes(), 0);
    }
}

void tst_RecordDecoder::oneByteAtATime()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, records);
    RecordDecoder d;
    QList<Flat> got;
    for (qsizetype i = 0; i < wire.size(); ++i) {
        d.feed(QByteArrayView(wire).sliced(i, 1));
        got += drain(d);
        QCOMPARE(d.error(), DecodeError::None);
    }
    QCOMPARE(got.size(), records);
    RecordDecoder whole;
    whole.feed(wire);
    QVERIFY(got == drain(whole));
    QCOMPARE(d.pendingBytes(), 0);
}

void tst_RecordDecoder::fields_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("requestId");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<bool>("management");
    QTest::newRow("stdin") << makeRecord(RecordType::Stdin, 1, "body") << 5 << 1
                           << QByteArray("body") << false;
    QTest::newRow("max-request-id") << makeRecord(RecordType::Stdout, 0xffff, "x") << 6 << 0xffff
                                    << QByteArray("x") << false;
    QTest::newRow("high-byte-request-id") << makeRecord(RecordType::Params, 0x0100, {}) << 4
                                          << 0x0100 << QByteArray() << false;
    QTest::newRow("unknown-type-survives") << makeRecord(quint8(200), 0, "?") << 200 << 0
                                           << QByteArray("?") << true;
    const QByteArray big(kMaxContentLength, 'z');
    QTest::newRow("max-content-length") << makeRecord(RecordType::Stdin, 3, big, 1) << 5 << 3
                                        << big << false;
}

void tst_RecordDecoder::fields()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, type);
    QFETCH(int, requestId);
    QFETCH(QByteArray, content);
    QFETCH(bool, management);
    RecordDecoder d;
    d.feed(wire);
    auto r = d.next();
    QVERIFY(r);
    QCOMPARE(int(r->type), type);
    QCOMPARE(int(r->requestId), requestId);
    QCOMPARE(r->content, content);
    QCOMPARE(r->isManagement(), management);
    QVERIFY(!d.next());
    QCOMPARE(d.error(), DecodeError::None);
}

void tst_RecordDecoder::paddingHonoured_data()
{
    QTest::addColumn<int>("padding");
    for (int p : { 0, 1, 7, 8, 100, 255 })
        QTest::addRow("padding-%d", p) << p;
}

void tst_RecordDecoder::paddingHonoured()
{
    QFETCH(int, padding);
    RecordDecoder d;
    // The padding bytes (0xAA) must neither reach the content nor be read as the next header.
    d.feed(makeRecord(RecordType::Stdin, 1, "hello", quint8(padding)));
    d.feed(makeRecord(RecordType::Stdin, 1, "world"));
    auto first = d.next();
    auto second = d.next();
    QVERIFY(first && second);
    QCOMPARE(first->content, QByteArray("hello"));
    QCOMPARE(second->content, QByteArray("world"));
    QVERIFY(!d.next());
    QCOMPARE(d.error(), DecodeError::None);
}

void tst_RecordDecoder::trailingPartialUntouched_data()
{
    QTest::addColumn<int>("trailing");
    const QByteArray next = makeRecord(RecordType::Stdin, 2, "payload", 1);
    for (int t = 1; t < next.size(); ++t)
        QTest::addRow("%d-bytes-of-%d", t, int(next.size())) << t;
}

void tst_RecordDecoder::trailingPartialUntouched()
{
    QFETCH(int, trailing);
    const QByteArray complete = fixtures::simpleGet(1);
    const QByteArray next = makeRecord(RecordType::Stdin, 2, "payload", 1);
    RecordDecoder d;
    d.feed(complete + next.first(trailing));
    QCOMPARE(drain(d).size(), 4);
    QVERIFY(!d.next());
    QCOMPARE(d.pendingBytes(), trailing);
    QCOMPARE(d.error(), DecodeError::None);
    d.feed(next.sliced(trailing));
    auto r = d.next();
    QVERIFY(r);
    QCOMPARE(r->requestId, quint16(2));
    QCOMPARE(r->content, QByteArray("payload"));
    QCOMPARE(d.pendingBytes(), 0);
}

void tst_RecordDecoder::badVersion_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("goodRecords");
    const QByteArray good = makeRecord(RecordType::Stdin, 1, "ok");
    QTest::newRow("version-0") << makeRecord(5, 1, "x", 0, 0) << 0;
    QTest::newRow("version-2") << makeRecord(5, 1, "x", 0, 2) << 0;
    QTest::newRow("http-request") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 0;
    QTest::newRow("after-a-good-record") << good + makeRecord(5, 1, "x", 0, 0xff) << 1;
    // Reported as soon as the header is complete, even if the content never arrives.
    QTest::newRow("header-only") << makeRecord(5, 1, QByteArray(1000, 'x'), 0, 9).first(8) << 0;
}

void tst_RecordDecoder::badVersion()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, goodRecords);
    RecordDecoder d;
    d.feed(wire);
    QCOMPARE(drain(d).size(), goodRecords);
    QCOMPARE(d.error(), DecodeError::UnsupportedVersion);
    // Sticky: a well-formed record afterwards does not revive the stream.
    d.feed(makeRecord(RecordType::Stdin, 1, "later"));
    QVERIFY(!d.next());
    QCOMPARE(d.error(), DecodeError::UnsupportedVersion);
    QVERIFY(qstrlen(toString(d.error())) > 0);
}

QTEST_APPLESS_MAIN(tst_RecordDecoder)
#include "tst_recorddecoder.moc"
