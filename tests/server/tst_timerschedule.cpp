#include "engine/timerschedule.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace afcgi;
using namespace std::chrono_literals;

// Every test runs on a fixed base time point; times are offsets from it in microseconds, so a
// row can say "1.2 ms before the deadline" exactly. Nothing here waits: the clock is injected.
namespace {

using Clock = TimerSchedule::Clock;
using TimerInfo = QAbstractEventDispatcher::TimerInfo;

const Clock::time_point kBase = Clock::time_point(1h);

Clock::time_point atUs(qint64 us)
{
    return kBase + std::chrono::microseconds(us);
}

Clock::time_point atMs(qint64 ms)
{
    return kBase + std::chrono::milliseconds(ms);
}

QList<int> dueAt(const TimerSchedule &schedule, Clock::time_point now)
{
    const std::vector<int> ids = schedule.due(now);
    return QList<int>(ids.begin(), ids.end());
}

// "id/interval/type" for each timer, by id, so that two lists compare in one QCOMPARE.
QStringList describe(QList<TimerInfo> timers)
{
    std::sort(timers.begin(), timers.end(),
              [](const TimerInfo &l, const TimerInfo &r) { return l.timerId < r.timerId; });
    QStringList out;
    for (const TimerInfo &t : timers)
        out << QStringLiteral("%1/%2/%3").arg(t.timerId).arg(t.interval).arg(int(t.timerType));
    return out;
}

} // namespace

class tst_TimerSchedule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void addStartsOneIntervalFromNow_data();
    void addStartsOneIntervalFromNow();
    void dueAtDeadline_data();
    void dueAtDeadline();
    void dueEarliestFirst_data();
    void dueEarliestFirst();
    void advance_data();
    void advance();
    void zeroIntervalIsAlwaysDue();
    void remove();
    void removeAllOf();
    void timersOf();
    void remainingMsRoundsUp_data();
    void remainingMsRoundsUp();
    void unknownAndEmpty();
    void readdingReplaces();
};

void tst_TimerSchedule::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_TimerSchedule::addStartsOneIntervalFromNow_data()
{
    QTest::addColumn<qint64>("intervalMs");
    QTest::addColumn<Qt::TimerType>("type");

    QTest::newRow("zero-precise") << qint64(0) << Qt::PreciseTimer;
    QTest::newRow("one-ms-precise") << qint64(1) << Qt::PreciseTimer;
    QTest::newRow("20-ms-coarse") << qint64(20) << Qt::CoarseTimer;
    QTest::newRow("one-minute-very-coarse") << qint64(60000) << Qt::VeryCoarseTimer;
}

void tst_TimerSchedule::addStartsOneIntervalFromNow()
{
    QFETCH(qint64, intervalMs);
    QFETCH(Qt::TimerType, type);

    QObject owner;
    TimerSchedule schedule;
    schedule.add(7, intervalMs, type, &owner, kBase);
    QVERIFY(!schedule.isEmpty());
    QCOMPARE(schedule.msUntilNext(kBase), int(intervalMs));
    QCOMPARE(schedule.remainingMs(7, kBase), int(intervalMs));
}

void tst_TimerSchedule::dueAtDeadline_data()
{
    QTest::addColumn<qint64>("nowUs"); // the timer (10 ms) was added at 0
    QTest::addColumn<bool>("due");

    QTest::newRow("just-added") << qint64(0) << false;
    QTest::newRow("half-way") << qint64(5000) << false;
    QTest::newRow("one-microsecond-early") << qint64(9999) << false;
    QTest::newRow("at-the-deadline") << qint64(10000) << true;
    QTest::newRow("just-after") << qint64(10001) << true;
    QTest::newRow("several-intervals-late") << qint64(55000) << true;
}

void tst_TimerSchedule::dueAtDeadline()
{
    QFETCH(qint64, nowUs);
    QFETCH(bool, due);

    QObject owner;
    TimerSchedule schedule;
    schedule.add(3, 10, Qt::PreciseTimer, &owner, kBase);
    QCOMPARE(dueAt(schedule, atUs(nowUs)), due ? QList<int>{3} : QList<int>{});
}

void tst_TimerSchedule::dueEarliestFirst_data()
{
    QTest::addColumn<qint64>("nowMs");
    QTest::addColumn<QList<int>>("due");

    // Timers 1..4 of 40, 10, 30 and 20 ms, added in that order at 0.
    QTest::newRow("none-yet") << qint64(9) << QList<int>{};
    QTest::newRow("first-only") << qint64(10) << QList<int>{2};
    QTest::newRow("three-of-four") << qint64(35) << QList<int>{2, 4, 3};
    QTest::newRow("all-by-deadline-not-by-id") << qint64(100) << QList<int>{2, 4, 3, 1};
}

void tst_TimerSchedule::dueEarliestFirst()
{
    QFETCH(qint64, nowMs);
    QFETCH(QList<int>, due);

    QObject a, b;
    TimerSchedule schedule;
    schedule.add(1, 40, Qt::PreciseTimer, &a, kBase);
    schedule.add(2, 10, Qt::CoarseTimer, &b, kBase);
    schedule.add(3, 30, Qt::PreciseTimer, &a, kBase);
    schedule.add(4, 20, Qt::PreciseTimer, &b, kBase);
    QCOMPARE(dueAt(schedule, atMs(nowMs)), due);
    QCOMPARE(schedule.msUntilNext(kBase), 10);
}

void tst_TimerSchedule::advance_data()
{
    QTest::addColumn<qint64>("firedAtMs"); // a 100 ms timer, added at 0, fires at this time
    QTest::addColumn<qint64>("nextMs");    // and is then due next at this one

    QTest::newRow("on-time") << qint64(100) << qint64(200);
    QTest::newRow("slightly-late-keeps-the-beat") << qint64(130) << qint64(200);
    QTest::newRow("late-by-almost-an-interval") << qint64(199) << qint64(200);
    QTest::newRow("late-by-a-whole-interval-restarts-from-now") << qint64(200) << qint64(300);
    QTest::newRow("late-by-several-intervals-restarts-from-now") << qint64(550) << qint64(650);
}

void tst_TimerSchedule::advance()
{
    QFETCH(qint64, firedAtMs);
    QFETCH(qint64, nextMs);

    QObject owner;
    TimerSchedule schedule;
    schedule.add(5, 100, Qt::PreciseTimer, &owner, kBase);
    const Clock::time_point firedAt = atMs(firedAtMs);
    QCOMPARE(dueAt(schedule, firedAt), QList<int>{5});
    QCOMPARE(schedule.advance(5, firedAt), &owner);

    // Fires once, not in a burst: after advance() it is not due again at the same time.
    QCOMPARE(dueAt(schedule, firedAt), QList<int>{});
    QCOMPARE(schedule.remainingMs(5, firedAt), int(nextMs - firedAtMs));
    QCOMPARE(dueAt(schedule, atUs(nextMs * 1000 - 1)), QList<int>{});
    QCOMPARE(dueAt(schedule, atMs(nextMs)), QList<int>{5});
}

void tst_TimerSchedule::zeroIntervalIsAlwaysDue()
{
    QObject owner;
    TimerSchedule schedule;
    schedule.add(1, 0, Qt::CoarseTimer, &owner, kBase);
    QCOMPARE(dueAt(schedule, kBase), QList<int>{1});
    QCOMPARE(schedule.msUntilNext(kBase), 0);

    QCOMPARE(schedule.advance(1, kBase), &owner);
    QCOMPARE(dueAt(schedule, kBase), QList<int>{1}); // due again at the next turn of the loop
    QCOMPARE(schedule.msUntilNext(kBase), 0);

    const Clock::time_point later = atUs(1500);
    QCOMPARE(schedule.advance(1, later), &owner);
    QCOMPARE(dueAt(schedule, later), QList<int>{1});
    QCOMPARE(schedule.remainingMs(1, later), 0);
}

void tst_TimerSchedule::remove()
{
    QObject owner;
    TimerSchedule schedule;
    schedule.add(1, 10, Qt::PreciseTimer, &owner, kBase);
    schedule.add(2, 20, Qt::PreciseTimer, &owner, kBase);

    QVERIFY(schedule.remove(1));
    QVERIFY(!schedule.remove(1));
    QCOMPARE(dueAt(schedule, atMs(100)), QList<int>{2});
    QCOMPARE(schedule.remainingMs(1, kBase), -1);
    QCOMPARE(schedule.advance(1, atMs(100)), nullptr);
    QCOMPARE(schedule.msUntilNext(kBase), 20);

    QVERIFY(schedule.remove(2));
    QVERIFY(schedule.isEmpty());
    QCOMPARE(dueAt(schedule, atMs(100)), QList<int>{});
    QCOMPARE(schedule.msUntilNext(kBase), -1);
}

void tst_TimerSchedule::removeAllOf()
{
    QObject a, b, c;
    TimerSchedule schedule;
    schedule.add(1, 10, Qt::PreciseTimer, &a, kBase);
    schedule.add(2, 20, Qt::PreciseTimer, &b, kBase);
    schedule.add(3, 30, Qt::PreciseTimer, &a, kBase);

    QVERIFY(!schedule.removeAllOf(&c)); // nothing of c's
    QVERIFY(schedule.removeAllOf(&a));
    QVERIFY(!schedule.removeAllOf(&a)); // already gone
    QCOMPARE(dueAt(schedule, atMs(100)), QList<int>{2});
    QCOMPARE(schedule.msUntilNext(kBase), 20);
    QVERIFY(schedule.timersOf(&a).isEmpty());

    QVERIFY(schedule.removeAllOf(&b));
    QVERIFY(schedule.isEmpty());
    QCOMPARE(schedule.msUntilNext(kBase), -1);
}

void tst_TimerSchedule::timersOf()
{
    QObject a, b, c;
    TimerSchedule schedule;
    schedule.add(4, 20, Qt::CoarseTimer, &a, kBase);
    schedule.add(1, 10, Qt::PreciseTimer, &a, kBase);
    schedule.add(2, 30000, Qt::VeryCoarseTimer, &b, kBase);

    const auto line = [](int id, int interval, Qt::TimerType type) {
        return QStringLiteral("%1/%2/%3").arg(id).arg(interval).arg(int(type));
    };
    QCOMPARE(describe(schedule.timersOf(&a)),
             (QStringList{line(1, 10, Qt::PreciseTimer), line(4, 20, Qt::CoarseTimer)}));
    QCOMPARE(describe(schedule.timersOf(&b)), QStringList{line(2, 30000, Qt::VeryCoarseTimer)});
    QVERIFY(schedule.timersOf(&c).isEmpty());

    // The interval is the one asked for, whatever has fired since.
    schedule.advance(1, atMs(10));
    QCOMPARE(describe(schedule.timersOf(&a)),
             (QStringList{line(1, 10, Qt::PreciseTimer), line(4, 20, Qt::CoarseTimer)}));
}

void tst_TimerSchedule::remainingMsRoundsUp_data()
{
    QTest::addColumn<qint64>("nowUs"); // the timer (10 ms) was added at 0
    QTest::addColumn<int>("remaining");

    QTest::newRow("whole-interval") << qint64(0) << 10;
    QTest::newRow("one-microsecond-gone") << qint64(1) << 10;
    QTest::newRow("1.2-ms-left") << qint64(8800) << 2;
    QTest::newRow("exactly-1-ms-left") << qint64(9000) << 1;
    QTest::newRow("one-microsecond-left") << qint64(9999) << 1;
    QTest::newRow("due") << qint64(10000) << 0;
    QTest::newRow("overdue") << qint64(25000) << 0;
}

void tst_TimerSchedule::remainingMsRoundsUp()
{
    QFETCH(qint64, nowUs);
    QFETCH(int, remaining);

    QObject owner;
    TimerSchedule schedule;
    schedule.add(9, 10, Qt::PreciseTimer, &owner, kBase);
    QCOMPARE(schedule.remainingMs(9, atUs(nowUs)), remaining);
    QCOMPARE(schedule.msUntilNext(atUs(nowUs)), remaining);
}

void tst_TimerSchedule::unknownAndEmpty()
{
    QObject owner;
    TimerSchedule schedule;
    QVERIFY(schedule.isEmpty());
    QCOMPARE(schedule.msUntilNext(kBase), -1);
    QCOMPARE(schedule.remainingMs(1, kBase), -1);
    QCOMPARE(dueAt(schedule, atMs(1000)), QList<int>{});
    QVERIFY(!schedule.remove(1));
    QVERIFY(!schedule.removeAllOf(&owner));
    QCOMPARE(schedule.advance(1, kBase), nullptr);

    schedule.add(1, 10, Qt::PreciseTimer, &owner, kBase);
    QCOMPARE(schedule.remainingMs(2, kBase), -1);
}

void tst_TimerSchedule::readdingReplaces()
{
    QObject a, b;
    TimerSchedule schedule;
    schedule.add(1, 10, Qt::PreciseTimer, &a, kBase);
    schedule.add(1, 50, Qt::CoarseTimer, &b, atMs(5));

    QCOMPARE(schedule.remainingMs(1, atMs(5)), 50);
    QCOMPARE(dueAt(schedule, atMs(10)), QList<int>{}); // the old deadline is gone
    QCOMPARE(dueAt(schedule, atMs(55)), QList<int>{1}); // once, not twice
    QVERIFY(schedule.timersOf(&a).isEmpty());
    QCOMPARE(schedule.timersOf(&b).size(), 1);
    QCOMPARE(schedule.timersOf(&b).first().interval, 50);
    QCOMPARE(schedule.advance(1, atMs(55)), &b);

    QVERIFY(schedule.remove(1));
    QVERIFY(schedule.isEmpty()); // no stale copy left behind
    QCOMPARE(dueAt(schedule, atMs(1000)), QList<int>{});
}

QTEST_GUILESS_MAIN(tst_TimerSchedule)
#include "tst_timerschedule.moc"
