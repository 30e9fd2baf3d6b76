#include "fixtures.h"
#include "namevaluedecoder.h"
#include "recorddecoder.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;
using fixtures::lengthBytes;
using fixtures::nameValue;

Q_DECLARE_METATYPE(afcgi::NameValueError)

namespace {
NameValueList drain(NameValueDecoder &decoder)
{
    NameValueList out;
    while (auto pair = decoder.next())
        out.append(*pair);
    return out;
}
} // namespace

class tst_NameValueDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void decode_data();
    void decode();
    void splitAnywhere_data() { decode_data(); }
    void splitAnywhere();
    void oneByteAtATime_data() { decode_data(); }
    void oneByteAtATime();
    void pairSplitAcrossRecords_data();
    void pairSplitAcrossRecords();
    void errors_data();
    void errors();
};

void tst_NameValueDecoder::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_NameValueDecoder::decode_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<NameValueList>("pairs");
    QTest::newRow("empty-stream") << QByteArray() << NameValueList();
    QTest::newRow("one-pair") << nameValue("REQUEST_METHOD", "GET")
                              << NameValueList{ { "REQUEST_METHOD", "GET" } };
    QTest::newRow("empty-name-and-value") << nameValue("", "") << NameValueList{ { "", "" } };
    QTest::newRow("empty-value") << nameValue("FCGI_MAX_CONNS", "")
                                 << NameValueList{ { "FCGI_MAX_CONNS", "" } };
    const QByteArray n127(127, 'a'), n128(128, 'b');
    QTest::newRow("127-one-byte-lengths") << nameValue(n127, n127)
                                          << NameValueList{ { n127, n127 } };
    QTest::newRow("128-four-byte-name") << nameValue(n128, "v") << NameValueList{ { n128, "v" } };
    QTest::newRow("128-four-byte-value") << nameValue("n", n128) << NameValueList{ { "n", n128 } };
    QTest::newRow("four-byte-form-for-short-lengths")
        << lengthBytes(1, true) + lengthBytes(2, true) + "kvv" << NameValueList{ { "k", "vv" } };
    const QByteArray big(70000, 'x');
    QTest::newRow("70000-byte-value") << nameValue("HTTP_COOKIE", big)
                                      << NameValueList{ { "HTTP_COOKIE", big } };
    QTest::newRow("several-pairs")
        << nameValue("A", "1") + nameValue(n128, "2") + nameValue("C", "") + nameValue("D", n127)
        << NameValueList{ { "A", "1" }, { n128, "2" }, { "C", "" }, { "D", n127 } };
}

void tst_NameValueDecoder::decode()
{
    QFETCH(QByteArray, wire);
    QFETCH(NameValueList, pairs);
    NameValueDecoder d;
    d.feed(wire);
    QCOMPARE(drain(d), pairs);
    d.finish();
    QCOMPARE(d.error(), NameValueError::None);
    const auto all = NameValueDecoder::decodeAll(wire);
    QVERIFY(all);
    QCOMPARE(*all, pairs);
}

void tst_NameValueDecoder::splitAnywhere()
{
    QFETCH(QByteArray, wire);
    QFETCH(NameValueList, pairs);
    // The 70,000-byte row has too many cut points to try them all; sample it.
    const qsizetype step = wire.size() > 4096 ? 997 : 1;
    for (qsizetype cut = 0; cut <= wire.size(); cut += step) {
        NameValueDecoder d;
        d.feed(QByteArrayView(wire).first(cut));
        NameValueList got = drain(d);
        d.feed(QByteArrayView(wire).sliced(cut));
        got += drain(d);
        d.finish();
        QCOMPARE(d.error(), NameValueError::None);
        QCOMPARE(got, pairs);
    }
}

void tst_NameValueDecoder::oneByteAtATime()
{
    QFETCH(QByteArray, wire);
    QFETCH(NameValueList, pairs);
    NameValueDecoder d;
    NameValueList got;
    for (qsizetype i = 0; i < wire.size(); ++i) {
        d.feed(QByteArrayView(wire).sliced(i, 1));
        got += drain(d);
    }
    d.finish();
    QCOMPARE(d.error(), NameValueError::None);
    QCOMPARE(got, pairs);
}

void tst_NameValueDecoder::pairSplitAcrossRecords_data()
{
    QTest::addColumn<int>("cut");
    const QByteArray pair = nameValue(QByteArray(128, 'n'), "value");
    for (int cut : { 1, 2, 3, 4, 5, 6, 100, int(pair.size()) - 1 })
        QTest::addRow("cut-%d", cut) << cut;
}

void tst_NameValueDecoder::pairSplitAcrossRecords()
{
    QFETCH(int, cut);
    using fixtures::makeRecord;
    const QByteArray pair = nameValue(QByteArray(128, 'n'), "value");
    const QByteArray wire = makeRecord(RecordType::Params, 1, pair.first(cut), 3)
        + makeRecord(RecordType::Params, 1, pair.sliced(cut))
        + makeRecord(RecordType::Params, 1, {});
    RecordDecoder records;
    records.feed(wire);
    NameValueDecoder d;
    NameValueList got;
    while (auto r = records.next()) {
        if (r->content.isEmpty()) {
            d.finish();
            break;
        }
        d.feed(r->content);
        got += drain(d);
    }
    QCOMPARE(d.error(), NameValueError::None);
    QCOMPARE(got, (NameValueList{ { QByteArray(128, 'n'), "value" } }));
}

void tst_NameValueDecoder::errors_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("limit");
    QTest::addColumn<int>("goodPairs");
    QTest::addColumn<NameValueError>("beforeFinish");
    QTest::addColumn<NameValueError>("afterFinish");
    const auto none = NameValueError::None;
    const auto truncated = NameValueError::Truncated;
    const auto tooLarge = NameValueError::TooLarge;
    QTest::newRow("value-runs-past-data") << QByteArray("\x05\x03" "abcde" "x") << 100 << 0
                                          << none << truncated;
    QTest::newRow("only-name-length") << QByteArray("\x05") << 100 << 0 << none << truncated;
    QTest::newRow("partial-four-byte-length") << QByteArray("\x80\x00", 2) << 100 << 0 << none
                                              << truncated;
    QTest::newRow("after-a-good-pair") << nameValue("A", "1") + "\x02\x02" "B" << 100 << 1
                                       << none << truncated;
    QTest::newRow("declared-past-limit") << lengthBytes(1000) + lengthBytes(0) << 100 << 0
                                         << tooLarge << tooLarge;
    QTest::newRow("name-plus-value-past-limit") << nameValue("n", QByteArray(100, 'v')) << 100
                                                << 0 << tooLarge << tooLarge;
    QTest::newRow("exactly-at-limit") << nameValue("n", QByteArray(99, 'v')) << 100 << 1 << none
                                      << none;
    QTest::newRow("hostile-2GiB-lengths") << QByteArray::fromHex("ffffffffffffffff")
                                          << (1 << 20) << 0 << tooLarge << tooLarge;
}

void tst_NameValueDecoder::errors()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, limit);
    QFETCH(int, goodPairs);
    QFETCH(NameValueError, beforeFinish);
    QFETCH(NameValueError, afterFinish);
    NameValueDecoder d(limit);
    d.feed(wire);
    QCOMPARE(drain(d).size(), goodPairs);
    QCOMPARE(d.error(), beforeFinish);
    d.finish();
    QCOMPARE(d.error(), afterFinish);
    if (afterFinish != NameValueError::None) {
        // Sticky: more bytes change nothing.
        d.feed(nameValue("X", "Y"));
        QVERIFY(!d.next());
        QCOMPARE(d.error(), afterFinish);
        if (afterFinish == NameValueError::Truncated) // decodeAll's limit is the block size
            QVERIFY(!NameValueDecoder::decodeAll(wire));
        QVERIFY(qstrlen(toString(d.error())) > 0);
    }
}

QTEST_APPLESS_MAIN(tst_NameValueDecoder)
#include "tst_namevaluedecoder.moc"
