#include "benchrun.h"

#include "platform.h"
#include "progressline.h"

namespace afcgi::bench {

namespace {
constexpr int kTickMs = 1000;
constexpr double kProgressAfterS = 3; // shorter runs print no progress line
}

BenchRun::BenchRun(const BenchOptions &options, QObject *parent)
    : QObject(parent), m_options(options),
      m_template(options.path.toUtf8(), options.bodyBytes, options.depth)
{
    m_shared.request = &m_template;
    m_result.latency = &m_shared.latency;
    for (QTimer *t : {&m_connectTimer, &m_phaseTimer}) {
        t->setSingleShot(true);
        t->setTimerType(Qt::PreciseTimer);
    }
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        finish(false, QStringLiteral("only %1 of %2 connections up after %3 s")
                          .arg(m_connected).arg(m_options.conns).arg(m_options.connectTimeoutS));
    });
    connect(&m_tickTimer, &QTimer::timeout, this, &BenchRun::onTick);
}

void BenchRun::start()
{
    const bool byCount = m_options.requests > 0;
    // Counting requests without a warmup: issue nothing until every connection is up, so the
    // budget is spent on measured requests only.
    m_shared.budget = byCount && m_options.warmupS <= 0 ? 0 : -1;
    m_showProgress = m_options.progress && ProgressLine::isTerminal()
                     && (byCount || m_options.warmupS + m_options.durationS > kProgressAfterS);
    m_sinceStart.start();
    m_connectTimer.start(int(m_options.connectTimeoutS * 1000));
    for (int i = 0; i < m_options.conns; ++i) {
        auto *c = new LoadConnection(m_options.endpoint, &m_shared, m_options.depth, true, this);
        connect(c, &LoadConnection::connected, this, &BenchRun::onConnected);
        connect(c, &LoadConnection::drained, this, &BenchRun::onDrained);
        m_connections.push_back(c);
        c->open();
    }
    if (m_showProgress)
        m_tickTimer.start(kTickMs);
}

void BenchRun::onConnected()
{
    if (m_loadStarted || ++m_connected < m_options.conns)
        return; // a later reconnect, or not all up yet
    m_loadStarted = true;
    m_connectTimer.stop();
    if (m_options.warmupS > 0) {
        connect(&m_phaseTimer, &QTimer::timeout, this, &BenchRun::beginMeasuring,
                Qt::SingleShotConnection);
        m_phaseTimer.start(int(m_options.warmupS * 1000));
    } else {
        beginMeasuring();
    }
}

void BenchRun::beginMeasuring()
{
    m_measuring = true;
    // Errors stay counted over the whole run; rates and latency count from here on.
    LoadCounters &c = m_shared.counters;
    c.completed = c.bytesIn = c.bytesOut = 0;
    m_lastCompleted = 0;
    m_shared.latency.reset();
    m_sinceMeasuring.start();
    m_cpuAtMeasuring = processCpuNs();
    if (m_options.requests > 0) {
        m_shared.budget = m_options.requests;
        for (LoadConnection *connection : m_connections)
            connection->kick();
    } else {
        connect(&m_phaseTimer, &QTimer::timeout, this, [this] { finish(true); },
                Qt::SingleShotConnection);
        m_phaseTimer.start(int(m_options.durationS * 1000));
    }
}

void BenchRun::onDrained()
{
    if (!m_measuring || m_shared.budget != 0)
        return;
    for (const LoadConnection *connection : m_connections)
        if (connection->activeCount() > 0)
            return;
    finish(true);
}

void BenchRun::onTick()
{
    const quint64 completed = m_shared.counters.completed;
    const quint64 delta = completed >= m_lastCompleted ? completed - m_lastCompleted : completed;
    m_lastCompleted = completed;
    const double t = double(m_sinceStart.elapsed()) / 1000;
    ProgressLine::show(QStringLiteral("%1 %2 s  %3 req/s  p99 %4 us  errors %5")
                           .arg(m_measuring ? QLatin1String("measuring") : QLatin1String("warmup   "))
                           .arg(t, 5, 'f', 0)
                           .arg(double(delta) * 1000 / kTickMs, 9, 'f', 0)
                           .arg(double(m_shared.latency.percentileNs(99)) / 1000, 0, 'f', 0)
                           .arg(m_shared.counters.errors()));
}

void BenchRun::finish(bool ok, const QString &failure)
{
    if (m_done)
        return;
    m_done = true;
    m_shared.issuing = false;
    m_result.elapsedS = m_measuring ? double(m_sinceMeasuring.nsecsElapsed()) / 1e9 : 0;
    const qint64 cpu = processCpuNs();
    if (m_measuring && m_cpuAtMeasuring >= 0 && cpu >= 0 && m_result.elapsedS > 0)
        m_result.benchCpuPercent = double(cpu - m_cpuAtMeasuring) / 1e7 / m_result.elapsedS;
    m_result.counters = m_shared.counters;
    m_result.ok = ok && m_measuring;
    m_result.failure = failure;
    m_phaseTimer.stop();
    m_connectTimer.stop();
    m_tickTimer.stop();
    if (m_showProgress)
        ProgressLine::clear();
    for (LoadConnection *connection : m_connections)
        connection->close();
    Q_EMIT finished();
}

} // namespace afcgi::bench
