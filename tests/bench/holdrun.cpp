#include "holdrun.h"

#include "platform.h"

namespace afcgi::bench {

namespace {
constexpr int kSampleMs = 250;
}

HoldRun::HoldRun(const BenchOptions &options, QObject *parent)
    : QObject(parent), m_options(options),
      m_template(options.path.toUtf8(), options.bodyBytes,
                 int((options.hold + options.conns - 1) / options.conns))
{
    m_shared.request = &m_template;
    m_result.latency = &m_shared.latency;
    m_timeout.setSingleShot(true);
    m_holdTimer.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        finish(false, QStringLiteral("the server had not read all requests after %1 s (%2 of %3 "
                                     "connections answered the probe)")
                          .arg(m_options.holdTimeoutS).arg(m_answered).arg(m_connections.size()));
    });
    connect(&m_holdTimer, &QTimer::timeout, this, [this] {
        sample();
        const qint64 held = pending();
        if (held < m_options.hold)
            finish(false, QStringLiteral("%1 of %2 requests ended while held").arg(m_options.hold - held).arg(m_options.hold));
        else
            finish(true);
    });
    connect(&m_sampleTimer, &QTimer::timeout, this, &HoldRun::sample);
}

void HoldRun::start()
{
    if (m_options.pid > 0)
        m_result.rssBeforeKb = readRssKb(m_options.pid);
    m_clock.start();
    m_timeout.start(int(m_options.holdTimeoutS * 1000));
    // Spread N over C connections: the first N % C take one more.
    const qint64 base = m_options.hold / m_options.conns;
    const qint64 extra = m_options.hold % m_options.conns;
    for (int i = 0; i < m_options.conns; ++i) {
        const int n = int(base + (i < extra ? 1 : 0));
        if (n == 0)
            continue;
        auto *c = new LoadConnection(m_options.endpoint, &m_shared, n, false, this);
        connect(c, &LoadConnection::probeAnswered, this, &HoldRun::onProbeAnswered);
        connect(c, &LoadConnection::lost, this, [this] {
            finish(false, QStringLiteral("a connection failed or was closed by the server"));
        });
        m_connections.push_back(c);
        c->open();
    }
}

qint64 HoldRun::pending() const
{
    qint64 n = 0;
    for (const LoadConnection *c : m_connections)
        n += c->activeCount();
    return n;
}

void HoldRun::onProbeAnswered()
{
    if (++m_answered < int(m_connections.size()))
        return;
    m_timeout.stop();
    m_result.inFlightAfterS = double(m_clock.nsecsElapsed()) / 1e9;
    m_result.held = pending();
    Q_EMIT inFlight(QStringLiteral("all %1 requests in flight after %2 s (%3 pending)")
                        .arg(m_options.hold).arg(m_result.inFlightAfterS, 0, 'f', 2)
                        .arg(m_result.held));
    sample();
    m_sampleTimer.start(kSampleMs);
    m_holdTimer.start(int(m_options.durationS * 1000));
}

void HoldRun::sample()
{
    if (m_options.pid > 0)
        m_result.rssHeldKb = qMax(m_result.rssHeldKb, readRssKb(m_options.pid));
}

void HoldRun::finish(bool ok, const QString &failure)
{
    if (m_done)
        return;
    m_done = true;
    m_shared.issuing = false;
    m_timeout.stop();
    m_holdTimer.stop();
    m_sampleTimer.stop();
    m_result.held = qMin(m_result.held, pending());
    m_result.counters = m_shared.counters;
    m_result.ok = ok && m_shared.counters.errors() == 0;
    if (ok && !m_result.ok)
        m_result.failure = QStringLiteral("errors while holding");
    else
        m_result.failure = failure;
    for (LoadConnection *c : m_connections)
        c->close();
    Q_EMIT finished();
}

} // namespace afcgi::bench
