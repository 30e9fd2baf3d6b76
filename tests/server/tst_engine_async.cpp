// Work handed to a thread pool (runAsync, whenReady) through the engine: results delivered on
// the request's own thread, exceptions from the pool or the continuation becoming 500s with the
// request id in the log, and nothing sent for a request aborted while its work ran.
#include "enginetestcase.h"

#include <afcgi/async.h>
#include <afcgi/request.h>
#include <afcgi/router.h>

#include <QMutex>
#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <stdexcept>

using namespace afcgi;
using namespace enginetest;

namespace {
// Shared between a test and the handler it mounts, which runs on a worker thread.
struct SlowWork
{
    QSemaphore release;         // the work waits for the test
    std::atomic<bool> started{false};
    std::atomic<bool> finished{false};
    std::atomic<int> delivered{0};
    QMutex mutex;
    QFuture<void> delivery;     // finishes when the result was delivered or dropped
};
} // namespace

class tst_EngineAsync : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void resultOnTheRequestThread();
    void exceptionsBecome500_data();
    void exceptionsBecome500();
    void abortedWhileWorkingSendsNothing();
    void whenReadyTakesAFuture();
};

void tst_EngineAsync::resultOnTheRequestThread()
{
    TestServer server(QStringLiteral("tcp"));
    QThreadPool pool;
    server.engine().router().get(QStringLiteral("/sum/{n:int}"), [&pool](Request *request) {
        const qint64 n = request->pathParam(u"n").toLongLong();
        QThread *requestThread = QThread::currentThread();
        runAsync(
            request,
            [n, requestThread] {
                qint64 sum = 0;
                for (qint64 i = 1; i <= n; ++i)
                    sum += i;
                return std::make_pair(sum, QThread::currentThread() != requestThread);
            },
            [requestThread](Request *r, const std::pair<qint64, bool> &result) {
                r->setHeader("X-Work-Elsewhere", result.second ? "yes" : "no");
                r->setHeader("X-Done-Here", QThread::currentThread() == requestThread ? "yes" : "no");
                r->respond(200, "text/plain", QByteArray::number(result.first));
            },
            &pool);
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QList<quint16> ids;
    for (int n = 1; n <= 20; ++n)
        ids.append(sendGet(*client, "/sum/" + QByteArray::number(n * 1000)));
    for (int i = 0; i < ids.size(); ++i) {
        QVERIFY(waitEnded(*client, ids[i]));
        const auto response = parse(client->takeResponse(ids[i]));
        QVERIFY(response);
        const qint64 n = (i + 1) * 1000;
        QCOMPARE(response->body, QByteArray::number(n * (n + 1) / 2));
        QCOMPARE(response->header("X-Work-Elsewhere"), QByteArray("yes"));
        QCOMPARE(response->header("X-Done-Here"), QByteArray("yes"));
    }
}

void tst_EngineAsync::exceptionsBecome500_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QString>("logged");
    QTest::newRow("in-the-work") << QByteArray("/fail/work") << "threw in asynchronous work : pool boom";
    QTest::newRow("in-the-continuation") << QByteArray("/fail/done") << "threw in asynchronous work : done boom";
    QTest::newRow("void-work") << QByteArray("/fail/void") << "threw in asynchronous work : void boom";
}

void tst_EngineAsync::exceptionsBecome500()
{
    QFETCH(QByteArray, uri);
    QFETCH(QString, logged);
    TestServer server(QStringLiteral("tcp"));
    Router &router = server.engine().router();
    router.get(QStringLiteral("/fail/work"), [](Request *request) {
        runAsync(request, []() -> int { throw std::runtime_error("pool boom"); },
                 [](Request *r, int) { r->respond(200, {}, "not reached"); });
    });
    router.get(QStringLiteral("/fail/done"), [](Request *request) {
        runAsync(request, [] { return 1; }, [](Request *, int) { throw std::runtime_error("done boom"); });
    });
    router.get(QStringLiteral("/fail/void"), [](Request *request) {
        runAsync(request, [] { throw std::runtime_error("void boom"); },
                 [](Request *r) { r->respond(200, {}, "not reached"); });
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendGet(*client, uri);
    EngineLog::expect(QRegularExpression(QStringLiteral("conn \\d+ request %1 GET %2 %3")
                                             .arg(id)
                                             .arg(QRegularExpression::escape(QString::fromLatin1(uri)), logged)));
    QVERIFY(waitEnded(*client, id));
    const auto response = parse(client->takeResponse(id));
    QVERIFY(response);
    QCOMPARE(response->status, 500);
    QCOMPARE(response->body, QByteArray("Internal server error\n"));
    // The worker carries on.
    const quint16 next = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, next));
    QCOMPARE(parse(client->takeResponse(next))->status, 200);
}

void tst_EngineAsync::abortedWhileWorkingSendsNothing()
{
    TestServer server(QStringLiteral("tcp"));
    QThreadPool pool;
    auto work = std::make_shared<SlowWork>();
    server.engine().router().get(QStringLiteral("/slow"), [work, &pool](Request *request) {
        request->setHeader("X-Early", "must not be sent"); // headers only leave with output
        QFuture<void> delivery = runAsync(
            request,
            [work] {
                work->started = true;
                work->release.acquire();
                work->finished = true;
                return QByteArray("late result");
            },
            [work](Request *r, const QByteArray &result) {
                ++work->delivered;
                r->respond(200, "text/plain", result);
            },
            &pool);
        QMutexLocker lock(&work->mutex);
        work->delivery = delivery;
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const quint16 id = sendGet(*client, "/slow");
    QVERIFY(waitFor([&] { return work->started.load(); }, 5000));
    client->abortRequest(id);
    QVERIFY(waitEnded(*client, id)); // the engine answers the abort at once
    QCOMPARE(server.counters().aborted, 1);

    // The worker serves others while the work still runs.
    const quint16 other = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, other));
    QCOMPARE(parse(client->takeResponse(other))->status, 200);
    QVERIFY(!work->finished);

    work->release.release();
    QVERIFY(waitFor([&] {
        QMutexLocker lock(&work->mutex);
        return work->finished && work->delivery.isFinished();
    }, 5000));
    QCOMPARE(work->delivered.load(), 0);
    QCOMPARE(client->response(id).out, QByteArray()); // not a byte for the aborted request
    QVERIFY(pool.waitForDone(5000));
}

void tst_EngineAsync::whenReadyTakesAFuture()
{
    // A future made elsewhere (a client library's, say): fulfilled from the test's thread.
    TestServer server(QStringLiteral("tcp"));
    auto promise = std::make_shared<QPromise<QString>>();
    auto canceled = std::make_shared<QPromise<QString>>();
    promise->start();
    canceled->start();
    server.engine().router().get(QStringLiteral("/wait/{which}"), [promise, canceled](Request *request) {
        const bool cancel = request->pathParam(u"which") == QLatin1String("canceled");
        whenReady(request, (cancel ? canceled : promise)->future(), [](Request *r, const QString &text) {
            r->respond(200, "text/plain", text.toUtf8());
        });
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendGet(*client, "/wait/ok");
    const quint16 gone = sendGet(*client, "/wait/canceled");
    QVERIFY(waitFor([&] { return server.counters().requestsActive == 2; }, 5000));
    promise->addResult(QStringLiteral("from afar"));
    promise->finish();
    QVERIFY(waitEnded(*client, id));
    QCOMPARE(parse(client->takeResponse(id))->body, QByteArray("from afar"));

    EngineLog::expect(QRegularExpression(QStringLiteral("request %1 GET /wait/canceled threw in asynchronous "
                                                        "work : the asynchronous work was canceled")
                                             .arg(gone)));
    canceled->future().cancel();
    canceled->finish();
    QVERIFY(waitEnded(*client, gone));
    QCOMPARE(parse(client->takeResponse(gone))->status, 500);
}

QTEST_GUILESS_MAIN(tst_EngineAsync)
#include "tst_engine_async.moc"
