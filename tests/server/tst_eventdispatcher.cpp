#include "engine/eventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QFile>
#include <QPointer>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>

#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace afcgi;

// The Linux worker event dispatcher on a real thread: timers, posted events, deferred deletes,
// socket notifiers on a socketpair(), quitting. The test thread drives the worker with blocking
// queued calls and reads what happened there from counters.
namespace {

constexpr int kWait = 5000; // ms: the bound of every wait; a passing run takes far less

void put(int fd)
{
    const char byte = 'x';
    QCOMPARE_EQ(::write(fd, &byte, 1), ssize_t(1));
}

void drain(int fd)
{
    char buffer[4096];
    while (::read(fd, buffer, sizeof buffer) > 0) {
    }
}

void fill(int fd) // until the kernel takes no more: the socket is no longer writable
{
    const QByteArray chunk(4096, 'f');
    while (::write(fd, chunk.constData(), size_t(chunk.size())) > 0) {
    }
}

// Whether thread `tid` of this process sleeps in epoll_wait() right now.
bool sleepsInEpollWait(pid_t tid)
{
    QFile file(QStringLiteral("/proc/self/task/%1/syscall").arg(tid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const long number = file.readLine().split(' ').value(0).toLong();
    return number == SYS_epoll_pwait
#ifdef SYS_epoll_wait
           || number == SYS_epoll_wait
#endif
        ;
}

// What the worker did, read on the test thread. It belongs to the Worker, so a slot that holds
// one outlives no counter, even when a check fails early.
struct Counter
{
    QThread *expectedThread = nullptr;
    std::atomic<int> hits{0};
    std::atomic<bool> offThread{false};

    void note()
    {
        offThread = offThread || QThread::currentThread() != expectedThread;
        ++hits;
    }
    int count() const { return hits.load(); }
};

// A worker thread on the dispatcher under test, set up as Engine sets one up. What a test makes
// on it is a child of the context; all of it goes, on the worker, as the thread finishes.
class Worker
{
public:
    Worker() : m_dispatcher(createWorkerEventDispatcher())
    {
        if (m_dispatcher)
            m_thread.setEventDispatcher(m_dispatcher); // the thread owns it
        QObject *context = m_context;
        context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, context, [context] {
            qDeleteAll(context->children());
            context->deleteLater();
        }, Qt::DirectConnection);
        m_thread.start();
        run([this] { m_tid = ::gettid(); });
    }
    ~Worker()
    {
        // The sockets are closed on the worker, after their notifiers: a descriptor closed by
        // another thread after QThread::wait() is ordered only by Qt's own (uninstrumented)
        // mutex, which ThreadSanitizer cannot see.
        const bool running = m_thread.isRunning(); // not after a test that stopped it itself
        if (running) {
            run([context = m_context, fds = m_fds] {
                qDeleteAll(context->children());
                for (int fd : fds)
                    ::close(fd);
            });
        }
        m_thread.quit();
        if (!m_thread.wait(kWait))
            qFatal("the worker thread does not stop");
        if (!running) { // its notifiers went as it finished
            for (int fd : std::as_const(m_fds))
                ::close(fd);
        }
    }

    QAbstractEventDispatcher *dispatcher() const { return m_dispatcher; }
    QThread *thread() { return &m_thread; }
    QObject *context() const { return m_context; }
    bool calledOffThread() const
    {
        return std::any_of(m_counters.cbegin(), m_counters.cend(),
                           [](const Counter &c) { return c.offThread.load(); });
    }
    Counter *counter()
    {
        Counter &c = m_counters.emplace_back();
        c.expectedThread = &m_thread;
        return &c;
    }

    void run(const std::function<void()> &f)
    {
        QMetaObject::invokeMethod(m_context, f, Qt::BlockingQueuedConnection);
    }
    // Two turns of the loop: what it would do for the state as it is now (a ready socket, a
    // posted event) has been done when this returns.
    void settle()
    {
        run([] {});
        run([] {});
    }
    // Until nothing is left to do and the worker sleeps: only a wake-up can get it going again.
    bool waitUntilAsleep()
    {
        return QTest::qWaitFor([this] { return sleepsInEpollWait(m_tid); }, kWait);
    }
    // Until the loop has been running for `ms`: a timer of its own has fired.
    bool runLoopFor(int ms)
    {
        Counter *fired = counter();
        startTimer(ms, true, fired);
        return QTest::qWaitFor([fired] { return fired->count() == 1; }, kWait);
    }

    QTimer *startTimer(int intervalMs, bool singleShot, Counter *fired)
    {
        QTimer *timer = nullptr;
        run([&] {
            timer = new QTimer(m_context);
            timer->setSingleShot(singleShot);
            QObject::connect(timer, &QTimer::timeout, timer, [fired] { fired->note(); });
            timer->start(intervalMs);
        });
        return timer;
    }

    // A connected pair of non-blocking Unix stream sockets, closed with the worker.
    std::pair<int, int> socketPair()
    {
        int fds[2] = {-1, -1};
        run([&] { ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds); });
        m_fds << fds[0] << fds[1];
        return {fds[0], fds[1]};
    }
    // Counts its activations; a Read one drains the socket, a Write one fills it.
    QSocketNotifier *watch(int fd, QSocketNotifier::Type type, Counter *activated)
    {
        QSocketNotifier *notifier = nullptr;
        run([&] {
            notifier = new QSocketNotifier(fd, type, m_context);
            QObject::connect(notifier, &QSocketNotifier::activated, notifier, [=] {
                activated->note();
                type == QSocketNotifier::Read ? drain(fd) : fill(fd);
            });
        });
        return notifier;
    }

private:
    QAbstractEventDispatcher *m_dispatcher;
    QThread m_thread;
    QObject *m_context = new QObject;
    pid_t m_tid = 0;
    std::deque<Counter> m_counters; // grows at the back only: pointers stay valid
    QList<int> m_fds;
};

} // namespace

class tst_EventDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void repeatingTimer_data();
    void repeatingTimer();
    void firesExactly_data();
    void firesExactly();
    void remainingTime();
    void otherTimerStoppedInSameRound_data();
    void otherTimerStoppedInSameRound();
    void queuedCallsWakeTheWorker();
    void deleteLater_data();
    void deleteLater();
    void readNotifier();
    void writeNotifier();
    void readAndWriteOnOneSocket_data();
    void readAndWriteOnOneSocket();
    void quitWhileAsleep_data();
    void quitWhileAsleep();

private:
    std::unique_ptr<Worker> m_worker;
};

void tst_EventDispatcher::initTestCase()
{
    qunsetenv("AFCGI_QT_EVENT_LOOP"); // would keep Qt's own dispatcher
}

void tst_EventDispatcher::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    m_worker = std::make_unique<Worker>();
    QVERIFY(m_worker->dispatcher());
    QCOMPARE(QAbstractEventDispatcher::instance(m_worker->thread()), m_worker->dispatcher());
}

void tst_EventDispatcher::cleanup()
{
    const bool offThread = m_worker->calledOffThread();
    m_worker.reset();
    QVERIFY2(!offThread, "a slot ran on a thread other than the worker");
}

void tst_EventDispatcher::repeatingTimer_data()
{
    QTest::addColumn<int>("intervalMs");
    QTest::newRow("20-ms") << 20;
    QTest::newRow("1-ms") << 1;
    QTest::newRow("zero-every-turn") << 0;
}

void tst_EventDispatcher::repeatingTimer()
{
    QFETCH(int, intervalMs);
    Counter *fired = m_worker->counter();
    QTimer *timer = m_worker->startTimer(intervalMs, false, fired);
    QTRY_VERIFY_WITH_TIMEOUT(fired->count() >= 3, kWait);
    m_worker->run([timer] { timer->stop(); });
}

void tst_EventDispatcher::remainingTime()
{
    for (const int intervalMs : {1000, 60000, 3600000}) { // longer than any preemption
        int remaining = -2;
        m_worker->run([&] {
            auto *timer = new QTimer(m_worker->context());
            timer->start(intervalMs);
            remaining = timer->remainingTime();
        });
        QVERIFY2(remaining > 0 && remaining <= intervalMs,
                 qPrintable(QStringLiteral("%1 of %2 ms").arg(remaining).arg(intervalMs)));
    }
}

void tst_EventDispatcher::otherTimerStoppedInSameRound_data()
{
    QTest::addColumn<int>("intervalMs");
    QTest::addColumn<bool>("restart"); // else stop
    QTest::newRow("zero-ms-stop") << 0 << false;
    QTest::newRow("20-ms-stop") << 20 << false;
    QTest::newRow("zero-ms-restart-for-a-minute") << 0 << true;
    QTest::newRow("20-ms-restart-for-a-minute") << 20 << true;
}

void tst_EventDispatcher::otherTimerStoppedInSameRound()
{
    // Two single-shot timers due in one turn of the loop: whichever fires first stops (or
    // restarts) the other, which then must not fire in that turn.
    QFETCH(int, intervalMs);
    QFETCH(bool, restart);
    Counter *fired = m_worker->counter();
    m_worker->run([&] {
        QTimer *timers[2] = {new QTimer(m_worker->context()), new QTimer(m_worker->context())};
        for (int i = 0; i < 2; ++i) {
            QTimer *other = timers[1 - i];
            QObject::connect(timers[i], &QTimer::timeout, timers[i], [=] {
                fired->note();
                restart ? other->start(60000) : other->stop();
            });
            timers[i]->setSingleShot(true);
            timers[i]->start(intervalMs);
        }
        while (timers[1]->remainingTime() > 0) {
            // the loop does not turn until both are due
        }
    });
    QTRY_COMPARE_WITH_TIMEOUT(fired->count(), 1, kWait);
    m_worker->settle();
    QCOMPARE(fired->count(), 1);
}

void tst_EventDispatcher::firesExactly_data()
{
    QTest::addColumn<bool>("singleShot");
    QTest::addColumn<int>("stopAt"); // the slot stops its timer when it has fired this often
    QTest::newRow("single-shot-fires-once") << true << 0;
    QTest::newRow("stopped-in-its-own-slot-at-the-first") << false << 1;
    QTest::newRow("stopped-in-its-own-slot-at-the-third") << false << 3;
}

void tst_EventDispatcher::firesExactly()
{
    QFETCH(bool, singleShot);
    QFETCH(int, stopAt);
    const int times = singleShot ? 1 : stopAt;
    Counter *fired = m_worker->counter();
    QTimer *timer = nullptr;
    m_worker->run([&] {
        timer = new QTimer(m_worker->context());
        timer->setSingleShot(singleShot);
        QObject::connect(timer, &QTimer::timeout, timer, [=] {
            fired->note();
            if (fired->count() == stopAt)
                timer->stop();
        });
        timer->start(5);
    });
    QTRY_COMPARE_WITH_TIMEOUT(fired->count(), times, kWait);
    QVERIFY(m_worker->runLoopFor(50)); // ten more intervals
    QCOMPARE(fired->count(), times);
    bool active = true;
    qsizetype registered = -1;
    m_worker->run([&] {
        active = timer->isActive();
        registered = m_worker->dispatcher()->registeredTimers(timer).size();
    });
    QVERIFY(!active);
    QCOMPARE(registered, 0);
}

void tst_EventDispatcher::queuedCallsWakeTheWorker()
{
    // With a minute's timer pending the worker sleeps a minute, unless a posted call wakes it.
    Counter *timerFired = m_worker->counter();
    Counter *received = m_worker->counter();
    Counter *outOfOrder = m_worker->counter();
    m_worker->startTimer(60000, true, timerFired);
    QVERIFY(m_worker->waitUntilAsleep());
    constexpr int kCalls = 1000;
    for (int i = 0; i < kCalls; ++i) {
        QMetaObject::invokeMethod(m_worker->context(), [=] {
            if (received->count() != i)
                outOfOrder->note();
            received->note();
        }, Qt::QueuedConnection);
    }
    QTRY_COMPARE_WITH_TIMEOUT(received->count(), kCalls, kWait);
    QCOMPARE(outOfOrder->count(), 0);
    QCOMPARE(timerFired->count(), 0);
}

void tst_EventDispatcher::deleteLater_data()
{
    QTest::addColumn<bool>("fromWorker");
    QTest::newRow("called-on-the-worker") << true;
    QTest::newRow("called-from-the-test-thread-while-asleep") << false;
}

void tst_EventDispatcher::deleteLater()
{
    QFETCH(bool, fromWorker);
    QPointer<QObject> guard;
    m_worker->run([&] {
        guard = new QObject(m_worker->context());
        if (fromWorker)
            guard->deleteLater();
    });
    if (!fromWorker) {
        QVERIFY(m_worker->waitUntilAsleep());
        guard->deleteLater();
    }
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), kWait);
}

void tst_EventDispatcher::readNotifier()
{
    const auto [mine, peer] = m_worker->socketPair();
    Counter *reads = m_worker->counter();
    QSocketNotifier *notifier = m_worker->watch(mine, QSocketNotifier::Read, reads);
    QVERIFY(m_worker->waitUntilAsleep());
    QCOMPARE(reads->count(), 0); // nothing to read yet

    put(peer);
    QTRY_COMPARE_WITH_TIMEOUT(reads->count(), 1, kWait);

    m_worker->run([=] { notifier->setEnabled(false); });
    put(peer);
    m_worker->settle();
    QCOMPARE(reads->count(), 1); // the byte waits, unread

    m_worker->run([=] { notifier->setEnabled(true); });
    QTRY_COMPARE_WITH_TIMEOUT(reads->count(), 2, kWait);
}

void tst_EventDispatcher::writeNotifier()
{
    const auto [mine, peer] = m_worker->socketPair();
    Counter *writes = m_worker->counter();
    m_worker->watch(mine, QSocketNotifier::Write, writes); // writable at once
    QTRY_COMPARE_WITH_TIMEOUT(writes->count(), 1, kWait);
    QVERIFY(m_worker->waitUntilAsleep());
    QCOMPARE(writes->count(), 1); // its slot filled the socket: no longer writable

    drain(peer); // it may refill while this drains: then it fires again
    QTRY_VERIFY_WITH_TIMEOUT(writes->count() >= 2, kWait);
}

void tst_EventDispatcher::readAndWriteOnOneSocket_data()
{
    QTest::addColumn<bool>("disableRead"); // else the write notifier is disabled
    QTest::newRow("write-disabled-read-still-fires") << false;
    QTest::newRow("read-disabled-write-still-fires") << true;
}

void tst_EventDispatcher::readAndWriteOnOneSocket()
{
    QFETCH(bool, disableRead);
    const auto [mine, peer] = m_worker->socketPair();
    Counter *reads = m_worker->counter();
    Counter *writes = m_worker->counter();
    QSocketNotifier *reader = m_worker->watch(mine, QSocketNotifier::Read, reads);
    QSocketNotifier *writer = m_worker->watch(mine, QSocketNotifier::Write, writes);
    QTRY_COMPARE_WITH_TIMEOUT(writes->count(), 1, kWait); // and filled the socket
    QCOMPARE(reads->count(), 0);

    m_worker->run([=] { (disableRead ? reader : writer)->setEnabled(false); });
    Counter *kept = disableRead ? writes : reads;
    Counter *disabled = disableRead ? reads : writes;
    const int keptBefore = kept->count();
    const int disabledBefore = disabled->count();
    put(peer);   // readable again
    drain(peer); // writable again (more than once if the worker refills it meanwhile)
    QTRY_VERIFY_WITH_TIMEOUT(kept->count() > keptBefore, kWait);
    m_worker->settle();
    QCOMPARE(disabled->count(), disabledBefore);
}

void tst_EventDispatcher::quitWhileAsleep_data()
{
    QTest::addColumn<int>("pendingTimerMs"); // 0: none
    QTest::newRow("no-timer") << 0;
    QTest::newRow("one-minute-timer-pending") << 60000;
}

void tst_EventDispatcher::quitWhileAsleep()
{
    QFETCH(int, pendingTimerMs);
    Counter *fired = m_worker->counter();
    if (pendingTimerMs > 0)
        m_worker->startTimer(pendingTimerMs, true, fired);
    QVERIFY(m_worker->waitUntilAsleep());
    m_worker->thread()->quit();
    QVERIFY(m_worker->thread()->wait(kWait));
    QCOMPARE(fired->count(), 0);
}

QTEST_GUILESS_MAIN(tst_EventDispatcher)
#include "tst_eventdispatcher.moc"
