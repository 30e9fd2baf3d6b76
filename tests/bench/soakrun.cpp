#include "soakrun.h"

#include "platform.h"
#include "progressline.h"

#include <cstdio>

namespace afcgi::bench {

namespace {
constexpr int kTickMs = 1000;
constexpr int kWarmupPercent = 10;
}

SoakRun::SoakRun(const SoakOptions &options, QObject *parent)
    : QObject(parent), m_options(options), m_mix(options)
{
    m_shared.mix = &m_mix;
    m_result.latency = &m_shared.latency;
    for (QTimer *t : {&m_connectTimer, &m_durationTimer, &m_warmupTimer, &m_drainTimer})
        t->setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this, [this] {
        finish(QStringLiteral("only %1 of %2 connections up after %3 s")
                   .arg(m_connected).arg(m_options.conns).arg(m_options.connectTimeoutS));
    });
    connect(&m_durationTimer, &QTimer::timeout, this, &SoakRun::stopIssuing);
    connect(&m_warmupTimer, &QTimer::timeout, &m_rss, &RssSampler::markWarm);
    connect(&m_drainTimer, &QTimer::timeout, this, [this] {
        m_shared.counters.unanswered += quint64(inFlight());
        std::fprintf(stderr, "afcgi-soak: %d requests still unanswered %g s after the last was issued\n",
                     inFlight(), m_options.drainTimeoutS);
        finish();
    });
    connect(&m_tickTimer, &QTimer::timeout, this, &SoakRun::onTick);
}

void SoakRun::start()
{
    m_clock.start();
    m_cpuAtStart = processCpuNs();
    if (m_options.pid > 0)
        m_rss.start(m_options.pid, int(m_options.rssIntervalS * 1000));
    if (m_options.warmupRequests >= 0)
        m_warmupRequests = m_options.warmupRequests;
    else if (m_options.requests > 0)
        m_warmupRequests = m_options.requests * kWarmupPercent / 100;
    else
        m_warmupTimer.start(int(m_options.durationS * 1000 * kWarmupPercent / 100));
    m_shared.budget = m_options.requests > 0 ? m_options.requests : -1;
    m_showProgress = m_options.progress && ProgressLine::isTerminal();
    m_connectTimer.start(int(m_options.connectTimeoutS * 1000));
    for (int i = 0; i < m_options.conns; ++i) {
        auto *c = new SoakConnection(m_options.endpoint, &m_shared, m_options.depth,
                                     m_options.readLimit, this);
        connect(c, &SoakConnection::connected, this, &SoakRun::onConnected);
        connect(c, &SoakConnection::drained, this, &SoakRun::onDrained);
        m_connections.push_back(c);
        c->open();
    }
    if (m_options.durationS > 0)
        m_durationTimer.start(int(m_options.durationS * 1000));
    m_tickTimer.start(kTickMs);
}

void SoakRun::onConnected()
{
    if (++m_connected == m_options.conns)
        m_connectTimer.stop(); // later ones are reconnects
}

int SoakRun::inFlight() const
{
    int n = 0;
    for (const SoakConnection *c : m_connections)
        n += c->activeCount();
    return n;
}

void SoakRun::stopIssuing()
{
    m_shared.issuing = false;
    if (m_options.readLimit > 0) {
        // A slow reader would take hours to drain streams of millions of lines: stop here, as
        // a web server whose client went away.
        m_shared.counters.cut += quint64(inFlight());
        finish();
        return;
    }
    startDraining();
}

void SoakRun::startDraining()
{
    if (m_draining)
        return;
    m_draining = true;
    if (inFlight() == 0)
        finish();
    else
        m_drainTimer.start(int(m_options.drainTimeoutS * 1000));
}

void SoakRun::onDrained()
{
    if (m_shared.mayIssue())
        return; // a connection dropped on purpose; it reopens
    if (inFlight() == 0)
        finish();
    else
        startDraining();
}

void SoakRun::onTick()
{
    const SoakCounters &c = m_shared.counters;
    const quint64 completed = c.completed();
    if (m_warmupRequests >= 0 && completed >= quint64(m_warmupRequests))
        m_rss.markWarm();
    if (!m_shared.mayIssue())
        startDraining();
    if (!m_showProgress)
        return;
    const quint64 delta = completed - qMin(completed, m_lastCompleted);
    m_lastCompleted = completed;
    const RssFigures &rss = m_rss.figures();
    ProgressLine::show(QStringLiteral("%1 s  %2 answers  %3 req/s  in flight %4  wrong %5%6")
                           .arg(double(m_clock.elapsed()) / 1000, 0, 'f', 0)
                           .arg(completed)
                           .arg(double(delta) * 1000 / kTickMs, 0, 'f', 0)
                           .arg(inFlight())
                           .arg(c.errors())
                           .arg(rss.lastKb > 0 ? QStringLiteral("  server RSS %1 kB%2").arg(rss.lastKb)
                                                     .arg(rss.isWarm() ? QString() : QStringLiteral(" (warm-up)"))
                                               : QString()));
}

void SoakRun::finish(const QString &failure)
{
    if (m_done)
        return;
    m_done = true;
    m_shared.issuing = false;
    for (QTimer *t : {&m_connectTimer, &m_durationTimer, &m_warmupTimer, &m_drainTimer, &m_tickTimer})
        t->stop();
    m_rss.stop();
    if (m_showProgress)
        ProgressLine::clear();
    for (SoakConnection *c : m_connections)
        c->close();

    SoakResult &r = m_result;
    r.elapsedS = double(m_clock.nsecsElapsed()) / 1e9;
    const qint64 cpu = processCpuNs();
    if (m_cpuAtStart >= 0 && cpu >= 0 && r.elapsedS > 0)
        r.cpuPercent = double(cpu - m_cpuAtStart) / 1e7 / r.elapsedS;
    r.counters = m_shared.counters;
    r.rss = m_rss.figures();
    r.rssSampled = m_options.pid > 0;
    r.failure = failure;
    if (r.failure.isEmpty() && r.counters.errors() > 0)
        r.failure = QStringLiteral("%1 wrong answers").arg(r.counters.errors());
    if (r.failure.isEmpty() && r.rssSampled && r.rss.isWarm()
        && r.rss.growthPercent() > m_options.rssTolerancePercent)
        r.failure = QStringLiteral("server RSS grew %1 % after the warm-up (tolerance %2 %)")
                        .arg(r.rss.growthPercent(), 0, 'f', 1).arg(m_options.rssTolerancePercent);
    if (r.failure.isEmpty() && r.rssSampled && r.rss.samples == 0)
        r.failure = QStringLiteral("could not read the RSS of process %1").arg(m_options.pid);
    r.ok = r.failure.isEmpty();
    Q_EMIT finished();
}

} // namespace afcgi::bench
