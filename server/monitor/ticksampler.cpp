#include "monitor/ticksampler.h"

#include "config/clock.h"
#include "config/logging.h"
#include "engine/engine.h"
#include "engine/workersample.h"
#include "monitor/logcollector.h"

#include <QDateTime>

namespace afcgi {

TickSampler::TickSampler(const Engine *engine, const LogCollector *logs)
    : m_engine(engine), m_logs(logs)
{
    m_sinceTick.start();
}

void TickSampler::restart()
{
    m_previous = m_engine->counters();
    m_previousLatency = m_engine->latencyCounts();
    m_previousRoutes = m_engine->routeTotals();
    m_previousLogLines = m_logs ? m_logs->lines() : 0;
    m_previousLogBytes = m_logs ? m_logs->bytes() : 0;
    m_sinceTick.start();
}

monitor::Tick TickSampler::sample(const WorkerSample &workers)
{
    monitor::Tick tick;
    tick.seq = ++m_seq;
    tick.timeMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 elapsedMs = qMax<qint64>(1, m_sinceTick.restart());
    tick.intervalMs = elapsedMs;
    const double seconds = double(elapsedMs) / 1000.0;
    const auto rate = [seconds](qint64 now, qint64 before) { return double(now - before) / seconds; };

    const ServerCounters now = m_engine->counters();
    monitor::Totals &t = tick.totals;
    t.requests = now.requestsTotal - now.requestsActive;
    t.bytesIn = now.bytesIn;
    t.bytesOut = now.bytesOut;
    t.errors = now.requestsByStatusClass[5] + now.protocolErrors;
    t.aborts = now.aborted;
    t.connectionsOpen = now.connectionsOpen;
    t.requestsActive = now.requestsActive;
    for (size_t i = 0; i < t.byStatus.size(); ++i) {
        t.byStatus[i] = now.requestsByStatusClass[i];
        tick.rates.byStatus[i] = rate(now.requestsByStatusClass[i], m_previous.requestsByStatusClass[i]);
    }
    t.connectionsWaiting = m_engine->waitingConnections();
    t.requestsWaiting = workers.waiting;
    t.logLines = m_logs ? m_logs->lines() : 0;
    t.logBytes = m_logs ? m_logs->bytes() : 0;

    monitor::Rates &r = tick.rates;
    r.requests = rate(t.requests, m_previous.requestsTotal - m_previous.requestsActive);
    r.bytesIn = rate(now.bytesIn, m_previous.bytesIn);
    r.bytesOut = rate(now.bytesOut, m_previous.bytesOut);
    r.errors = rate(t.errors, m_previous.requestsByStatusClass[5] + m_previous.protocolErrors);
    r.aborts = rate(now.aborted, m_previous.aborted);
    r.logLines = rate(t.logLines, m_previousLogLines);
    r.logBytes = rate(t.logBytes, m_previousLogBytes);
    m_previous = now;
    m_previousLogLines = t.logLines;
    m_previousLogBytes = t.logBytes;
    fillLatency(tick);
    fillRoutes(tick, seconds);

    tick.state = m_engine->isShuttingDown() ? QStringLiteral("draining") : QStringLiteral("running");
    tick.drainLeftMs = m_engine->drainLeftMs();
    tick.logLevel = logLevel();
    tick.pausedListeners = m_engine->pausedListeners();
    tick.workers = workers.workers;
    showBlockedWorkers(tick);
    tick.inFlight = workers.busy;
    tick.inFlightDropped = workers.busyDropped;
    tick.active.reserve(workers.oldest.size());
    for (const WorkerSample::Progress &p : workers.oldest)
        tick.active.append(p.progress);
    return tick;
}

void TickSampler::showBlockedWorkers(monitor::Tick &tick) const
{
    // A blocked worker cannot answer the sampling call, so the tick carries the gauge it gave
    // last. What its watchdog counted meanwhile is read here instead, and its lag is how long it
    // has been stuck, so the monitor shows the stall while it lasts, not only once it is over.
    if (!tick.workers)
        return;
    const QList<qint64> blocked = m_engine->blockedTurns();
    const QList<qint64> since = m_engine->blockedSinceMs();
    const qint64 now = monotonicMs();
    for (monitor::WorkerGauge &gauge : *tick.workers) {
        if (gauge.worker < 0 || gauge.worker >= blocked.size())
            continue;
        gauge.blocked = blocked.at(gauge.worker);
        if (since.at(gauge.worker) > 0)
            gauge.lagMs = qMax(gauge.lagMs, now - since.at(gauge.worker));
    }
}

void TickSampler::fillRoutes(monitor::Tick &tick, double seconds)
{
    // Per route: its totals, and the rate and percentiles of what it ended during this tick.
    const QStringList prefixes = m_engine->routePrefixes();
    const QList<RouteTotals> now = m_engine->routeTotals();
    QList<monitor::RouteTraffic> routes;
    for (qsizetype i = 0; i < now.size() && i < prefixes.size(); ++i) {
        const RouteTotals &t = now.at(i);
        if (t.requests == 0 && t.blocked == 0)
            continue; // no traffic yet: not listed
        const RouteTotals before = i < m_previousRoutes.size() ? m_previousRoutes.at(i) : RouteTotals();
        LatencyHistogram::Counts delta{};
        for (size_t b = 0; b < delta.size(); ++b)
            delta[b] = t.latency[b] - before.latency[b];
        monitor::RouteTraffic r;
        r.prefix = prefixes.at(i);
        r.requests = t.requests;
        r.errors = t.errors;
        r.aborts = t.aborted;
        r.blocked = t.blocked;
        r.count = t.requests - before.requests;
        r.rate = double(r.count) / seconds;
        r.p50 = LatencyHistogram::percentileMs(delta, 0.50);
        r.p99 = LatencyHistogram::percentileMs(delta, 0.99);
        routes.append(r);
    }
    m_previousRoutes = now;
    tick.routes = std::move(routes);
}

void TickSampler::fillLatency(monitor::Tick &tick)
{
    // Of what ended during this tick: the difference of two cumulative histograms.
    const LatencyHistogram::Counts total = m_engine->latencyCounts();
    LatencyHistogram::Counts delta{};
    qint64 count = 0;
    int highest = -1;
    for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
        const qint64 n = total[size_t(i)] - m_previousLatency[size_t(i)];
        delta[size_t(i)] = n;
        count += n;
        if (n > 0) {
            highest = i;
            tick.latency.buckets.append({ i, n });
        }
    }
    m_previousLatency = total;
    tick.latency.count = count;
    tick.latency.p50 = LatencyHistogram::percentileMs(delta, 0.50);
    tick.latency.p90 = LatencyHistogram::percentileMs(delta, 0.90);
    tick.latency.p99 = LatencyHistogram::percentileMs(delta, 0.99);
    tick.latency.max = highest < 0 ? 0 : LatencyHistogram::midpointMs(highest);
}

} // namespace afcgi
