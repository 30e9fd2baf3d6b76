// A handler that blocks its worker: the loop watchdog logs the stall once, naming the route and
// the request, counts it in /metrics (by route and by worker), and the other worker serves on.
// Also the per-route counters in /metrics.
#include <afcgi/request.h>

#include "enginetestsupport.h"
#include "engine/workersample.h"
#include "monitor/ticksampler.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QRegularExpression>
#include <QTest>

#include <atomic>

using namespace afcgi;

namespace {

constexpr int kThresholdMs = 100;
constexpr int kSpinMs = 1000;
std::atomic<bool> g_release{ false }; // the spinning handler may stop

// The engine's warnings, caught from whatever thread logs them.
QMutex g_mutex;
QStringList g_warnings;
QtMessageHandler g_previous = nullptr;

void catchWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg) {
        QMutexLocker lock(&g_mutex);
        g_warnings.append(message);
        return;
    }
    if (g_previous)
        g_previous(type, context, message);
}

// The loop watchdog's lines among them.
QStringList warnings()
{
    QMutexLocker lock(&g_mutex);
    return g_warnings.filter(QStringLiteral(" blocked: "));
}

double metric(const QByteArray &text, const QByteArray &key)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(key + ' '))
            return line.mid(key.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class tst_BlockedWorker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void stallIsLoggedOnceAndCounted();

private:
    QByteArray fetch(const QByteArray &uri);
    std::unique_ptr<Engine> m_engine;
    QString m_address;
};

void tst_BlockedWorker::initTestCase()
{
    g_previous = qInstallMessageHandler(catchWarnings);
    ServerConfig config;
    config.listen = {*ListenAddress::parse(QStringLiteral("127.0.0.1:0"))};
    config.threads = 2;
    config.blockedTurnMs = kThresholdMs;
    m_engine = std::make_unique<Engine>(config);
    mountBuiltinHandlers(m_engine->router(), *m_engine);
    // A handler that does what handlers must not: it keeps its worker busy.
    m_engine->router().mount(QStringLiteral("/spin"), [](Request *request) {
        QElapsedTimer timer;
        timer.start();
        // At least kSpinMs, and on until the test has looked at the stall (at most 10 s).
        while ((timer.elapsed() < kSpinMs || !g_release.load()) && timer.elapsed() < 10 * kSpinMs) {
        }
        request->respond(200, "text/plain", "spun\n");
    });
    m_engine->router().mount(QStringLiteral("/boom"), [](Request *request) {
        request->respond(503, "text/plain", "down\n");
    });
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    m_address = QStringLiteral("127.0.0.1:%1").arg(m_engine->tcpPort());
}

void tst_BlockedWorker::cleanupTestCase()
{
    m_engine.reset();
    qInstallMessageHandler(g_previous);
}

QByteArray tst_BlockedWorker::fetch(const QByteArray &uri)
{
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 id = enginetest::sendGet(client, uri);
    const auto response = enginetest::waitEnded(client, id) ? enginetest::parse(client.response(id)) : std::nullopt;
    return response ? response->body : QByteArray();
}

void tst_BlockedWorker::stallIsLoggedOnceAndCounted()
{
    // Connections go to the workers in turn: the spinning one to worker 0, the next to worker 1.
    FcgiClient spinning;
    spinning.connectToServer(m_address);
    const quint16 spin = enginetest::sendGet(spinning, "/spin/on%20and%20on?turns=9");
    const QRegularExpression stall(QStringLiteral(
        R"(^worker 0 blocked: a turn of its event loop has run \d+ ms \(over --blocked-turn-ms 100\), )"
        R"(in route /spin, path /spin/on and on, connection \d+ request 1; every connection on this worker waits$)"));
    QTRY_VERIFY_WITH_TIMEOUT(!warnings().isEmpty(), 5000);
    QVERIFY2(stall.match(warnings().constFirst()).hasMatch(), qPrintable(warnings().constFirst()));

    // While worker 0 spins, worker 1 answers.
    QCOMPARE(fetch("/hello"), QByteArray("Hello world\n"));
    QVERIFY(!spinning.response(spin).ended);

    // A tick made now, with the gauges the workers gave before the stall (a blocked worker
    // cannot give new ones), shows worker 0 blocked and stuck for at least the threshold.
    TickSampler sampler(m_engine.get(), nullptr);
    WorkerSample before;
    before.workers = { monitor::WorkerGauge{ 0, 1, 0, 0, 0, 0, 0 }, monitor::WorkerGauge{ 1, 0, 0, 0, 0, 0, 0 } };
    const monitor::Tick during = sampler.sample(before);
    QVERIFY(!spinning.response(spin).ended); // still in the same stall
    QVERIFY(during.workers.has_value());
    QCOMPARE(during.workers->at(0).blocked, 1);
    QVERIFY2(during.workers->at(0).lagMs >= kThresholdMs, qPrintable(QString::number(during.workers->at(0).lagMs)));
    QCOMPARE(during.workers->at(1).blocked, 0);
    QCOMPARE(during.workers->at(1).lagMs, 0);
    g_release.store(true);
    QTRY_VERIFY_WITH_TIMEOUT(spinning.response(spin).ended, 5000);

    QCOMPARE(fetch("/boom"), QByteArray("down\n"));
    QTRY_COMPARE(m_engine->counters().requestsActive, 0);
    const QByteArray text = fetch("/metrics");
    QCOMPARE(metric(text, R"(afcgi_route_blocked_total{route="/spin"})"), 1.0);
    QCOMPARE(metric(text, R"(afcgi_route_blocked_total{route="/hello"})"), 0.0);
    QCOMPARE(metric(text, R"(afcgi_worker_blocked_total{worker="0"})"), 1.0);
    QCOMPARE(metric(text, R"(afcgi_worker_blocked_total{worker="1"})"), 0.0);
    QCOMPARE(metric(text, R"(afcgi_route_requests_total{route="/spin"})"), 1.0);
    QCOMPARE(metric(text, R"(afcgi_route_requests_total{route="/hello"})"), 1.0);
    QCOMPARE(metric(text, R"(afcgi_route_errors_total{route="/boom"})"), 1.0);
    QCOMPARE(metric(text, R"(afcgi_route_errors_total{route="/hello"})"), 0.0);
    QCOMPARE(metric(text, R"(afcgi_route_request_duration_seconds_count{route="/spin"})"), 1.0);
    QVERIFY(metric(text, R"(afcgi_route_request_duration_seconds_sum{route="/spin"})") >= kSpinMs / 1000.0);
    // One stall, one line.
    QCOMPARE(warnings().size(), 1);
}

QTEST_GUILESS_MAIN(tst_BlockedWorker)
#include "tst_blockedworker.moc"
