#include "protocol/outputscheduler.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

// Units are self-describing so that the order of a take() can be read back: a label ("a1" is
// the first unit of request 'a'), padded with '.' to the wanted size, closed by '|'.
// Request 'a' is id 1, 'b' is id 2, and so on.
namespace {

quint16 idOf(QChar letter)
{
    return quint16(letter.unicode() - 'a' + 1);
}

QByteArray makeUnit(const QString &label, int size)
{
    QByteArray unit = label.toLatin1();
    Q_ASSERT(size > unit.size());
    unit.append(QByteArray(size - unit.size() - 1, '.'));
    unit.append('|');
    return unit;
}

// Script: "a1:10 a2 b1:4" enqueues, in that order, units of the given size (default 8).
void enqueueScript(OutputScheduler &scheduler, const QString &script)
{
    for (const QString &item : script.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QString label = item.section(QLatin1Char(':'), 0, 0);
        const QString size = item.section(QLatin1Char(':'), 1, 1);
        scheduler.enqueue(idOf(label.at(0)), makeUnit(label, size.isEmpty() ? 8 : size.toInt()));
    }
}

// The labels of the units in one take(), in order.
QStringList labels(const QByteArray &taken)
{
    QStringList out;
    for (const QByteArray &unit : taken.split('|')) {
        if (!unit.isEmpty())
            out << QString::fromLatin1(QByteArray(unit).replace('.', ""));
    }
    return out;
}

// Drains with the given budget; one entry per take(), its labels joined by ','.
QStringList drain(OutputScheduler &scheduler, qsizetype budget)
{
    QStringList takes;
    while (!scheduler.isEmpty()) {
        const QByteArray taken = scheduler.take(budget);
        if (taken.isEmpty())
            break; // would loop forever: a bug the caller's QCOMPARE shows
        takes << labels(taken).join(QLatin1Char(','));
    }
    return takes;
}

} // namespace

class tst_OutputScheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void roundRobinOrder_data();
    void roundRobinOrder();
    void smallResponseNotStarved_data();
    void smallResponseNotStarved();
    void orderWithinRequest_data();
    void orderWithinRequest();
    void drop_data();
    void drop();
    void queuedBytes_data();
    void queuedBytes();
    void coalescing_data();
    void coalescing();
    void takeBudget_data();
    void takeBudget();
    void emptySchedulerTakesNothing();
    void extremeRequestIds();
};

void tst_OutputScheduler::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_OutputScheduler::roundRobinOrder_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<qsizetype>("budget");
    QTest::addColumn<QStringList>("takes");

    QTest::newRow("one-request-one-unit-per-take")
        << QStringLiteral("a1 a2 a3") << qsizetype(1) << QStringList{"a1", "a2", "a3"};
    QTest::newRow("two-requests-alternate")
        << QStringLiteral("a1 a2 a3 b1 b2 b3") << qsizetype(1)
        << QStringList{"a1", "b1", "a2", "b2", "a3", "b3"};
    QTest::newRow("three-requests-uneven-lengths")
        << QStringLiteral("a1 a2 a3 b1 c1 c2") << qsizetype(1)
        << QStringList{"a1", "b1", "c1", "a2", "c2", "a3"};
    QTest::newRow("first-enqueue-decides-turn-order")
        << QStringLiteral("b1 a1 b2 a2") << qsizetype(1)
        << QStringList{"b1", "a1", "b2", "a2"};
    QTest::newRow("budget-of-two-units-takes-one-from-each")
        << QStringLiteral("a1 a2 a3 b1 b2 b3") << qsizetype(16)
        << QStringList{"a1,b1", "a2,b2", "a3,b3"};
    QTest::newRow("budget-of-three-units-wraps-around")
        << QStringLiteral("a1 a2 a3 b1 b2 b3") << qsizetype(24)
        << QStringList{"a1,b1,a2", "b2,a3,b3"};
    QTest::newRow("unlimited-budget-interleaves-in-one-take")
        << QStringLiteral("a1 a2 b1 b2 c1") << qsizetype(1 << 20)
        << QStringList{"a1,b1,c1,a2,b2"};
}

void tst_OutputScheduler::roundRobinOrder()
{
    QFETCH(QString, script);
    QFETCH(qsizetype, budget);
    QFETCH(QStringList, takes);

    OutputScheduler scheduler;
    enqueueScript(scheduler, script);
    QCOMPARE(drain(scheduler, budget), takes);
    QVERIFY(scheduler.isEmpty());
    QCOMPARE(scheduler.queuedBytes(), 0);
}

void tst_OutputScheduler::smallResponseNotStarved_data()
{
    QTest::addColumn<int>("bigRequests");     // each queues `bigUnits` units first
    QTest::addColumn<int>("bigUnits");
    QTest::addColumn<int>("bigUnitSize");
    QTest::addColumn<int>("drainedBefore");   // take()s done before the small one arrives
    QTest::addColumn<qsizetype>("budget");
    QTest::addColumn<int>("maxTakes");        // the small unit leaves within this many take()s

    QTest::newRow("one-big-then-small-budget-one-unit") << 1 << 1000 << 1024 << 0 << qsizetype(1) << 2;
    QTest::newRow("one-big-then-small-budget-64k") << 1 << 1000 << 8192 << 0 << qsizetype(64 * 1024) << 1;
    QTest::newRow("one-big-partly-drained-then-small") << 1 << 1000 << 1024 << 10 << qsizetype(1) << 2;
    QTest::newRow("two-big-then-small-budget-one-unit") << 2 << 500 << 1024 << 0 << qsizetype(1) << 3;
    QTest::newRow("ten-big-then-small-budget-one-unit") << 10 << 100 << 1024 << 0 << qsizetype(1) << 11;
    QTest::newRow("ten-big-then-small-budget-64k") << 10 << 100 << 8192 << 0 << qsizetype(64 * 1024) << 2;
}

void tst_OutputScheduler::smallResponseNotStarved()
{
    QFETCH(int, bigRequests);
    QFETCH(int, bigUnits);
    QFETCH(int, bigUnitSize);
    QFETCH(int, drainedBefore);
    QFETCH(qsizetype, budget);
    QFETCH(int, maxTakes);

    OutputScheduler scheduler;
    for (int unit = 0; unit < bigUnits; ++unit) {
        for (int r = 0; r < bigRequests; ++r)
            scheduler.enqueue(quint16(100 + r), makeUnit(QStringLiteral("big"), bigUnitSize));
    }
    for (int i = 0; i < drainedBefore; ++i)
        QVERIFY(!scheduler.take(budget).isEmpty());

    constexpr quint16 kSmall = 7;
    scheduler.enqueue(kSmall, makeUnit(QStringLiteral("small"), 16));
    QCOMPARE(scheduler.queuedBytes(kSmall), 16);

    int takes = 0;
    while (scheduler.queuedBytes(kSmall) > 0) {
        const QByteArray taken = scheduler.take(budget);
        QVERIFY(!taken.isEmpty());
        ++takes;
        QVERIFY2(takes <= maxTakes, qPrintable(QStringLiteral("small unit still queued after %1 take()s").arg(takes)));
    }
    // The big responses are still mostly queued: the small one did not wait for them.
    const qsizetype bigTotal = qsizetype(bigUnitSize) * bigRequests * bigUnits;
    QVERIFY(scheduler.queuedBytes() > bigTotal / 2);
}

void tst_OutputScheduler::orderWithinRequest_data()
{
    QTest::addColumn<qsizetype>("budget");
    QTest::addColumn<bool>("withNeighbour"); // another request interleaved

    const qsizetype budgets[] = {0, 1, 7, 100, 1000, 1 << 20};
    for (qsizetype budget : budgets) {
        QTest::addRow("alone-budget-%lld", qlonglong(budget)) << budget << false;
        QTest::addRow("with-neighbour-budget-%lld", qlonglong(budget)) << budget << true;
    }
}

void tst_OutputScheduler::orderWithinRequest()
{
    QFETCH(qsizetype, budget);
    QFETCH(bool, withNeighbour);

    OutputScheduler scheduler;
    QStringList expectedA;
    QStringList expectedB;
    for (int i = 1; i <= 50; ++i) {
        const QString a = QStringLiteral("a%1").arg(i);
        scheduler.enqueue(1, makeUnit(a, 8 + i % 13)); // uneven sizes
        expectedA << a;
        if (withNeighbour && i % 3 == 0) {
            const QString b = QStringLiteral("b%1").arg(i);
            scheduler.enqueue(2, makeUnit(b, 9));
            expectedB << b;
        }
    }

    QStringList seenA;
    QStringList seenB;
    for (const QString &take : drain(scheduler, budget)) {
        for (const QString &label : take.split(QLatin1Char(','))) {
            (label.startsWith(QLatin1Char('a')) ? seenA : seenB) << label;
        }
    }
    QCOMPARE(seenA, expectedA);
    QCOMPARE(seenB, expectedB);
    QVERIFY(scheduler.isEmpty());
}

void tst_OutputScheduler::drop_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("takesBefore"); // take(1) calls before the drop
    QTest::addColumn<QChar>("dropped");
    QTest::addColumn<QString>("after");  // enqueued after the drop
    QTest::addColumn<QStringList>("takes");

    QTest::newRow("drop-middle-of-three")
        << QStringLiteral("a1 a2 b1 b2 c1 c2") << 0 << QChar('b') << QString()
        << QStringList{"a1", "c1", "a2", "c2"};
    QTest::newRow("drop-first-in-turn")
        << QStringLiteral("a1 a2 b1 b2") << 0 << QChar('a') << QString()
        << QStringList{"b1", "b2"};
    QTest::newRow("drop-the-only-request")
        << QStringLiteral("a1 a2 a3") << 0 << QChar('a') << QString() << QStringList();
    QTest::newRow("drop-partly-taken-request")
        << QStringLiteral("a1 a2 a3 b1 b2 b3") << 1 << QChar('a') << QString()
        << QStringList{"b1", "b2", "b3"};
    QTest::newRow("drop-unknown-id-is-harmless")
        << QStringLiteral("a1 b1") << 0 << QChar('z') << QString() << QStringList{"a1", "b1"};
    QTest::newRow("drop-already-drained-id-is-harmless")
        << QStringLiteral("a1 b1 b2") << 1 << QChar('a') << QString() << QStringList{"b1", "b2"};
    QTest::newRow("re-enqueue-after-drop-goes-to-the-back")
        << QStringLiteral("a1 a2 b1 b2") << 0 << QChar('a') << QStringLiteral("a7 a8")
        << QStringList{"b1", "a7", "b2", "a8"};
}

void tst_OutputScheduler::drop()
{
    QFETCH(QString, script);
    QFETCH(int, takesBefore);
    QFETCH(QChar, dropped);
    QFETCH(QString, after);
    QFETCH(QStringList, takes);

    OutputScheduler scheduler;
    enqueueScript(scheduler, script);
    for (int i = 0; i < takesBefore; ++i)
        scheduler.take(1);
    const qsizetype before = scheduler.queuedBytes();
    const qsizetype droppedBytes = scheduler.queuedBytes(idOf(dropped));

    scheduler.drop(idOf(dropped));
    QCOMPARE(scheduler.queuedBytes(idOf(dropped)), 0);
    QCOMPARE(scheduler.queuedBytes(), before - droppedBytes);
    QCOMPARE(scheduler.isEmpty(), scheduler.queuedBytes() == 0);

    enqueueScript(scheduler, after);
    QCOMPARE(drain(scheduler, 1), takes);
    QVERIFY(scheduler.isEmpty());
}

void tst_OutputScheduler::queuedBytes_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("totalA");
    QTest::addColumn<int>("totalB");

    QTest::newRow("nothing") << QString() << 0 << 0;
    QTest::newRow("one-unit") << QStringLiteral("a1:10") << 10 << 0;
    QTest::newRow("several-units-one-request") << QStringLiteral("a1:10 a2:20 a3:30") << 60 << 0;
    QTest::newRow("two-requests") << QStringLiteral("a1:10 b1:4 a2:100 b2:65536") << 110 << 65540;
}

void tst_OutputScheduler::queuedBytes()
{
    QFETCH(QString, script);
    QFETCH(int, totalA);
    QFETCH(int, totalB);

    OutputScheduler scheduler;
    QVERIFY(scheduler.isEmpty());
    enqueueScript(scheduler, script);
    QCOMPARE(scheduler.queuedBytes(idOf('a')), totalA);
    QCOMPARE(scheduler.queuedBytes(idOf('b')), totalB);
    QCOMPARE(scheduler.queuedBytes(idOf('c')), 0);
    QCOMPARE(scheduler.queuedBytes(), totalA + totalB);
    QCOMPARE(scheduler.isEmpty(), totalA + totalB == 0);

    // An empty unit carries nothing and must not create a turn.
    scheduler.enqueue(idOf('c'), QByteArray());
    QCOMPARE(scheduler.queuedBytes(), totalA + totalB);
    QCOMPARE(scheduler.queuedBytes(idOf('c')), 0);

    // Every take() lowers the totals by exactly what it returned.
    qsizetype remaining = scheduler.queuedBytes();
    while (!scheduler.isEmpty()) {
        const QByteArray taken = scheduler.take(1);
        QVERIFY(!taken.isEmpty());
        remaining -= taken.size();
        QCOMPARE(scheduler.queuedBytes(), remaining);
        QCOMPARE(scheduler.queuedBytes(idOf('a')) + scheduler.queuedBytes(idOf('b')), remaining);
    }
    QCOMPARE(remaining, 0);
}

void tst_OutputScheduler::coalescing_data()
{
    // Pieces of one request: "o10" an owned unit of 10 bytes, "v24" 24 bytes the caller keeps.
    QTest::addColumn<QString>("pieces");
    QTest::addColumn<int>("coalesceBytes");
    QTest::addColumn<QList<int>>("units"); // sizes of the units take(1) hands over, in order

    QTest::newRow("small-reply-is-one-unit") << QStringLiteral("o40 v24") << 4096 << QList<int>{64};
    QTest::newRow("view-alone-is-a-unit") << QStringLiteral("v24") << 4096 << QList<int>{24};
    QTest::newRow("no-coalescing") << QStringLiteral("o40 o8 v24") << 0 << QList<int>{40, 8, 24};
    QTest::newRow("large-unit-stays-apart")
        << QStringLiteral("o10 o5000 v24") << 4096 << QList<int>{10, 5000, 24};
    QTest::newRow("fills-up-to-the-limit")
        << QStringLiteral("o2000 o2000 v96 v8") << 4096 << QList<int>{4096, 8};
}

void tst_OutputScheduler::coalescing()
{
    QFETCH(QString, pieces);
    QFETCH(int, coalesceBytes);
    QFETCH(QList<int>, units);

    OutputScheduler scheduler;
    QByteArray expected;
    char fill = 'a';
    for (const QString &piece : pieces.split(QLatin1Char(' '))) {
        const QByteArray bytes(piece.mid(1).toInt(), fill++);
        expected += bytes;
        if (piece.startsWith(QLatin1Char('o')))
            scheduler.enqueueCoalescing(1, QByteArray(bytes), coalesceBytes);
        else
            scheduler.enqueueCoalescing(1, QByteArrayView(bytes), coalesceBytes);
    }
    QCOMPARE(scheduler.queuedBytes(1), expected.size());
    QByteArray taken;
    QList<int> sizes;
    while (!scheduler.isEmpty()) {
        const QByteArray unit = scheduler.take(1);
        sizes.append(int(unit.size()));
        taken += unit;
    }
    QCOMPARE(sizes, units);
    QCOMPARE(taken, expected); // in order, nothing lost or doubled
    QCOMPARE(scheduler.queuedBytes(1), 0);
}

void tst_OutputScheduler::takeBudget_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<qsizetype>("budget");
    QTest::addColumn<QStringList>("firstTake");

    // One request, one unit: handed over whole whatever the budget.
    QTest::newRow("lone-unit-bigger-than-budget")
        << QStringLiteral("a1:100") << qsizetype(10) << QStringList{"a1"};
    QTest::newRow("lone-unit-budget-zero")
        << QStringLiteral("a1:100") << qsizetype(0) << QStringList{"a1"};
    // Never a partial unit, and at least one unit.
    QTest::newRow("first-unit-bigger-than-budget")
        << QStringLiteral("a1:100 a2:10") << qsizetype(10) << QStringList{"a1"};
    QTest::newRow("budget-zero-still-takes-one-unit")
        << QStringLiteral("a1:10 a2:10") << qsizetype(0) << QStringList{"a1"};
    QTest::newRow("budget-zero-two-requests-takes-one-unit")
        << QStringLiteral("a1:10 b1:10") << qsizetype(0) << QStringList{"a1"};
    QTest::newRow("negative-budget-takes-one-unit")
        << QStringLiteral("a1:10 a2:10") << qsizetype(-5) << QStringList{"a1"};
    // Units are added while less than the budget has been taken: the last may overshoot it.
    QTest::newRow("budget-exactly-one-unit")
        << QStringLiteral("a1:10 a2:10 a3:10") << qsizetype(10) << QStringList{"a1"};
    QTest::newRow("budget-one-byte-over-one-unit-takes-two")
        << QStringLiteral("a1:10 a2:10 a3:10") << qsizetype(11) << QStringList{"a1", "a2"};
    QTest::newRow("budget-exactly-two-units")
        << QStringLiteral("a1:10 a2:10 a3:10") << qsizetype(20) << QStringList{"a1", "a2"};
    QTest::newRow("budget-larger-than-everything-takes-all")
        << QStringLiteral("a1:10 b1:10 a2:10") << qsizetype(1000) << QStringList{"a1", "b1", "a2"};
    QTest::newRow("overshoot-with-a-big-second-unit")
        << QStringLiteral("a1:10 b1:500 a2:10") << qsizetype(20) << QStringList{"a1", "b1"};
}

void tst_OutputScheduler::takeBudget()
{
    QFETCH(QString, script);
    QFETCH(qsizetype, budget);
    QFETCH(QStringList, firstTake);

    OutputScheduler scheduler;
    enqueueScript(scheduler, script);
    const qsizetype total = scheduler.queuedBytes();
    const QByteArray taken = scheduler.take(budget);
    QCOMPARE(labels(taken), firstTake);
    QVERIFY(taken.endsWith('|')); // whole units only
    QCOMPARE(scheduler.queuedBytes(), total - taken.size());
}

void tst_OutputScheduler::emptySchedulerTakesNothing()
{
    OutputScheduler scheduler;
    QVERIFY(scheduler.take(0).isEmpty());
    QVERIFY(scheduler.take(1 << 20).isEmpty());
    scheduler.enqueue(1, makeUnit(QStringLiteral("a1"), 8));
    QCOMPARE(scheduler.take(1 << 20).size(), 8);
    QVERIFY(scheduler.take(1 << 20).isEmpty());
    QVERIFY(scheduler.isEmpty());
}

void tst_OutputScheduler::extremeRequestIds()
{
    // The scheduler treats every quint16 alike, 0 (management records) and 65535 included.
    OutputScheduler scheduler;
    scheduler.enqueue(0, makeUnit(QStringLiteral("m1"), 8));
    scheduler.enqueue(65535, makeUnit(QStringLiteral("x1"), 8));
    scheduler.enqueue(0, makeUnit(QStringLiteral("m2"), 8));
    QCOMPARE(scheduler.queuedBytes(0), 16);
    QCOMPARE(scheduler.queuedBytes(65535), 8);
    QCOMPARE(drain(scheduler, 1), (QStringList{"m1", "x1", "m2"}));
}

QTEST_GUILESS_MAIN(tst_OutputScheduler)
#include "tst_outputscheduler.moc"
