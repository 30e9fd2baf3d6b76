// The CGI child limit: overall and per mount, a bounded first-come first-served queue, slots
// handed to waiters on their own threads, and nothing lost when a holder or a waiter goes away.
#include "handlers/cgi/cgilimiter.h"

#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include <memory>

using namespace afcgi;
using Outcome = CgiLimiter::Outcome;

class tst_CgiLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void grantsUpToTheLimitThenQueuesThenRejects();
    void queueIsFirstComeFirstServed();
    void poolLimitWithinTheOverallOne();
    void waiterThatLeavesGivesUpItsPlace();
    void grantToAContextThatIsGoneIsNotLost();
    void grantArrivesOnTheWaitersThread();
    void releaseTwiceIsHarmless();
};

void tst_CgiLimiter::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_CgiLimiter::grantsUpToTheLimitThenQueuesThenRejects()
{
    CgiLimiter limiter(2, 1);
    QObject context;
    CgiLimiter::Ticket a, b, c, d;
    int granted = 0;
    QCOMPARE(limiter.acquire(0, &context, [] {}, &a), Outcome::Granted);
    QCOMPARE(limiter.acquire(0, &context, [] {}, &b), Outcome::Granted);
    QCOMPARE(limiter.acquire(0, &context, [&] { ++granted; }, &c), Outcome::Queued);
    QCOMPARE(limiter.acquire(0, &context, [] {}, &d), Outcome::Rejected);
    QCOMPARE(limiter.running(), 2);
    QCOMPARE(limiter.queued(), 1);
    limiter.release(a);
    QCOMPARE(limiter.running(), 2); // handed on at once...
    QCOMPARE(limiter.queued(), 0);
    QCOMPARE(granted, 0);           // ...and told through the waiter's event loop
    QTRY_COMPARE(granted, 1);
    limiter.release(b);
    limiter.release(c);
    QCOMPARE(limiter.running(), 0);
}

void tst_CgiLimiter::queueIsFirstComeFirstServed()
{
    CgiLimiter limiter(1, 10);
    QObject context;
    CgiLimiter::Ticket holder;
    QCOMPARE(limiter.acquire(0, &context, [] {}, &holder), Outcome::Granted);
    QList<int> order;
    CgiLimiter::Ticket waiters[3];
    for (int i = 0; i < 3; ++i)
        QCOMPARE(limiter.acquire(0, &context, [&order, i] { order.append(i); }, &waiters[i]), Outcome::Queued);
    limiter.release(holder);
    QTRY_COMPARE(order, QList<int>{0});
    limiter.release(waiters[0]);
    QTRY_COMPARE(order, (QList<int>{0, 1}));
    // A newcomer does not overtake the last waiter.
    CgiLimiter::Ticket late;
    QCOMPARE(limiter.acquire(0, &context, [&order] { order.append(9); }, &late), Outcome::Queued);
    limiter.release(waiters[1]);
    QTRY_COMPARE(order, (QList<int>{0, 1, 2}));
    limiter.release(waiters[2]);
    QTRY_COMPARE(order, (QList<int>{0, 1, 2, 9}));
}

void tst_CgiLimiter::poolLimitWithinTheOverallOne()
{
    CgiLimiter limiter(3, 10);
    const int git = limiter.addPool(1);
    const int cgit = limiter.addPool(0); // only the overall limit
    QObject context;
    CgiLimiter::Ticket g1, g2, c1, c2, c3;
    bool g2Granted = false;
    QCOMPARE(limiter.acquire(git, &context, [] {}, &g1), Outcome::Granted);
    QCOMPARE(limiter.acquire(git, &context, [&] { g2Granted = true; }, &g2), Outcome::Queued);
    // The git waiter does not hold up the other mount.
    QCOMPARE(limiter.acquire(cgit, &context, [] {}, &c1), Outcome::Granted);
    QCOMPARE(limiter.acquire(cgit, &context, [] {}, &c2), Outcome::Granted);
    QCOMPARE(limiter.acquire(cgit, &context, [] {}, &c3), Outcome::Queued); // 3 running: the overall limit
    limiter.release(c1); // a free slot, but git is at its own limit: c3 gets it
    QCOMPARE(limiter.queued(), 1);
    limiter.release(g1);
    QTRY_VERIFY(g2Granted);
    QCOMPARE(limiter.running(), 3);
    for (const auto &t : {g2, c2, c3})
        limiter.release(t);
    QCOMPARE(limiter.running(), 0);
}

void tst_CgiLimiter::waiterThatLeavesGivesUpItsPlace()
{
    CgiLimiter limiter(1, 10);
    QObject context;
    CgiLimiter::Ticket holder, leaver, stayer;
    bool leaverGranted = false;
    bool stayerGranted = false;
    limiter.acquire(0, &context, [] {}, &holder);
    limiter.acquire(0, &context, [&] { leaverGranted = true; }, &leaver);
    limiter.acquire(0, &context, [&] { stayerGranted = true; }, &stayer);
    limiter.release(leaver); // an aborted request that was still waiting
    QCOMPARE(limiter.queued(), 1);
    limiter.release(holder);
    QTRY_VERIFY(stayerGranted);
    QVERIFY(!leaverGranted);
    limiter.release(stayer);
    QCOMPARE(limiter.running(), 0);
}

void tst_CgiLimiter::grantToAContextThatIsGoneIsNotLost()
{
    CgiLimiter limiter(1, 10);
    QObject holderContext;
    CgiLimiter::Ticket holder, waiter;
    limiter.acquire(0, &holderContext, [] {}, &holder);
    bool called = false;
    {
        QObject waiterContext;
        limiter.acquire(0, &waiterContext, [&] { called = true; }, &waiter);
        limiter.release(holder);  // granted; the call is posted to waiterContext...
        limiter.release(waiter);  // ...whose owner goes away first, freeing the slot
    }
    QCoreApplication::processEvents();
    QVERIFY(!called);
    QCOMPARE(limiter.running(), 0);
}

void tst_CgiLimiter::grantArrivesOnTheWaitersThread()
{
    CgiLimiter limiter(1, 10);
    QObject context;
    CgiLimiter::Ticket holder, waiter;
    limiter.acquire(0, &context, [] {}, &holder);
    QThread *grantedOn = nullptr;
    limiter.acquire(0, &context, [&] { grantedOn = QThread::currentThread(); }, &waiter);
    std::unique_ptr<QThread> releaser(QThread::create([&] { limiter.release(holder); }));
    releaser->start();
    releaser->wait();
    QTRY_VERIFY(grantedOn);
    QCOMPARE(grantedOn, QThread::currentThread());
    limiter.release(waiter);
}

void tst_CgiLimiter::releaseTwiceIsHarmless()
{
    CgiLimiter limiter(1, 0);
    QObject context;
    CgiLimiter::Ticket a, b;
    limiter.acquire(0, &context, [] {}, &a);
    QCOMPARE(limiter.acquire(0, &context, [] {}, &b), Outcome::Rejected); // no queue at all
    limiter.release(a);
    limiter.release(a);
    limiter.release(b); // a rejected ticket holds nothing
    limiter.release(nullptr);
    QCOMPARE(limiter.running(), 0);
}

QTEST_GUILESS_MAIN(tst_CgiLimiter)
#include "tst_cgilimiter.moc"
