// Message ids "epoch:sequence" and the lists a multi-channel subscription resumes with.
#include "handlers/hub/eventid.h"

#include <QTest>

using namespace afcgi;

class tst_EventId : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void parse_data();
    void parse();
    void roundTrip();
    void list_data();
    void list();
};

void tst_EventId::parse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<quint64>("epoch");
    QTest::addColumn<quint64>("sequence");
    QTest::newRow("plain") << QByteArray("1733470000000:42") << true << quint64(1733470000000) << quint64(42);
    QTest::newRow("zero") << QByteArray("0:0") << true << quint64(0) << quint64(0);
    QTest::newRow("max") << QByteArray("18446744073709551615:1") << true
                         << quint64(18446744073709551615ULL) << quint64(1);
    QTest::newRow("overflow") << QByteArray("18446744073709551616:1") << false << quint64(0) << quint64(0);
    QTest::newRow("empty") << QByteArray() << false << quint64(0) << quint64(0);
    QTest::newRow("no-colon") << QByteArray("12") << false << quint64(0) << quint64(0);
    QTest::newRow("no-sequence") << QByteArray("12:") << false << quint64(0) << quint64(0);
    QTest::newRow("no-epoch") << QByteArray(":3") << false << quint64(0) << quint64(0);
    QTest::newRow("sign") << QByteArray("-1:3") << false << quint64(0) << quint64(0);
    QTest::newRow("space") << QByteArray("1: 3") << false << quint64(0) << quint64(0);
    QTest::newRow("two-colons") << QByteArray("1:2:3") << false << quint64(0) << quint64(0);
    QTest::newRow("garbage") << QByteArray("undefined") << false << quint64(0) << quint64(0);
}

void tst_EventId::parse()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    const auto id = EventId::parse(text);
    QCOMPARE(bool(id), valid);
    if (valid) {
        QTEST(id->epoch, "epoch");
        QTEST(id->sequence, "sequence");
    }
}

void tst_EventId::roundTrip()
{
    const EventId id{1733470000123, 99};
    QCOMPARE(id.toString(), QByteArray("1733470000123:99"));
    QCOMPARE(EventId::parse(id.toString()), std::optional<EventId>(id));
}

void tst_EventId::list_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("valid");
    QTest::newRow("one") << QByteArray("1:2") << 1 << true;
    QTest::newRow("three") << QByteArray("1:2,3:4,5:0") << 3 << true;
    QTest::newRow("too-few") << QByteArray("1:2") << 2 << false;
    QTest::newRow("too-many") << QByteArray("1:2,3:4") << 1 << false;
    QTest::newRow("trailing-comma") << QByteArray("1:2,") << 1 << false;
    QTest::newRow("empty-item") << QByteArray("1:2,,3:4") << 3 << false;
    QTest::newRow("bad-item") << QByteArray("1:2,x") << 2 << false;
}

void tst_EventId::list()
{
    QFETCH(QByteArray, text);
    QFETCH(int, count);
    QFETCH(bool, valid);
    const auto ids = EventId::parseList(text, count);
    QCOMPARE(bool(ids), valid);
    if (valid) {
        QCOMPARE(ids->size(), count);
        QCOMPARE(EventId::joinList(*ids), text);
    }
}

QTEST_APPLESS_MAIN(tst_EventId)
#include "tst_eventid.moc"
