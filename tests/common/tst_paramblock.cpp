// ParamBlock: CGI parameters kept in their wire encoding, looked up without copies.
#include "paramblock.h"

#include <QTest>

using namespace afcgi;

class tst_ParamBlock : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lookup_data();
    void lookup();
    void wellFormed_data();
    void wellFormed();
    void roundTrip();
};

void tst_ParamBlock::lookup_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<bool>("present");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("first") << QByteArray("REQUEST_METHOD") << true << QByteArray("GET");
    QTest::newRow("last") << QByteArray("LONG") << true << QByteArray(300, 'x');
    QTest::newRow("empty-value") << QByteArray("QUERY_STRING") << true << QByteArray();
    QTest::newRow("absent") << QByteArray("HTTP_COOKIE") << false << QByteArray();
    QTest::newRow("prefix-is-not-a-match") << QByteArray("REQUEST") << false << QByteArray();
}

void tst_ParamBlock::lookup()
{
    QFETCH(QByteArray, name);
    QFETCH(bool, present);
    QFETCH(QByteArray, value);
    const ParamBlock block(encodeNameValues({{"REQUEST_METHOD", "GET"},
                                             {"QUERY_STRING", ""},
                                             {"REQUEST_URI", "/a?b"},
                                             {"LONG", QByteArray(300, 'x')}}));
    QCOMPARE(block.contains(name), present);
    QCOMPARE(block.value(name), value);
    QCOMPARE(block.view(name).toByteArray(), value);
}

void tst_ParamBlock::wellFormed_data()
{
    QTest::addColumn<QByteArray>("block");
    QTest::addColumn<bool>("wellFormed");
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("one-pair") << encodeNameValues({{"A", "b"}}) << true;
    QTest::newRow("four-byte-lengths") << encodeNameValues({{QByteArray(200, 'n'), QByteArray(70000, 'v')}}) << true;
    QTest::newRow("value-runs-past-the-end") << QByteArray("\x01\x05" "Aab", 5) << false;
    QTest::newRow("truncated-four-byte-length") << QByteArray("\x80\x00", 2) << false;
    QTest::newRow("huge-declared-length") << QByteArray("\xff\xff\xff\xff\x01" "A", 6) << false;
    QTest::newRow("trailing-half-pair") << encodeNameValues({{"A", "b"}}) + QByteArray("\x03", 1) << false;
}

void tst_ParamBlock::wellFormed()
{
    QFETCH(QByteArray, block);
    QFETCH(bool, wellFormed);
    QCOMPARE(isWellFormedNameValues(block), wellFormed);
}

void tst_ParamBlock::roundTrip()
{
    const NameValueList pairs{{"A", "1"}, {QByteArray(128, 'k'), "v"}, {"EMPTY", ""}};
    QCOMPARE(ParamBlock(encodeNameValues(pairs)).toList(), pairs);
}

QTEST_GUILESS_MAIN(tst_ParamBlock)
#include "tst_paramblock.moc"
