#include "servicestate.h"

#include "format.h"

namespace afcgi::gui {

ServiceState::ServiceState(QObject *parent) : QObject(parent) {}

void ServiceState::setClientState(MonitorClient::State state, int failedAttempts)
{
    const bool lost = m_client == MonitorClient::State::Connected
        && state != MonitorClient::State::Connected;
    m_client = state;
    m_failedAttempts = failedAttempts;
    if (state == MonitorClient::State::Connected) {
        m_wasConnected = true;
        m_lostAt = {};
    } else if (lost) {
        m_lostAt = QDateTime::currentDateTime();
        m_haveHello = false;    // what it said is no longer known to hold
        m_serviceState.clear();
        m_logLevel.clear();
    }
    Q_EMIT changed();
}

void ServiceState::setHello(const monitor::Hello &hello)
{
    m_hello = hello;
    m_haveHello = true;
    m_logLevel = hello.logLevel;
    m_serviceState.clear();
    Q_EMIT changed();
}

void ServiceState::applyTick(const monitor::Tick &tick)
{
    const QString before = m_serviceState + m_logLevel;
    if (!tick.state.isEmpty())
        m_serviceState = tick.state;
    if (!tick.logLevel.isEmpty())
        m_logLevel = tick.logLevel;
    m_drainLeftAtTick = tick.drainLeftMs;
    m_sinceTick.start();
    if (before != m_serviceState + m_logLevel || m_serviceState == QLatin1String("draining"))
        Q_EMIT changed();
}

ServiceState::Phase ServiceState::phase() const
{
    if (m_client != MonitorClient::State::Connected)
        return m_wasConnected ? Phase::Disconnected : Phase::Connecting;
    return m_serviceState == QLatin1String("draining") ? Phase::Draining : Phase::Running;
}

qint64 ServiceState::drainLeftMs() const
{
    if (phase() != Phase::Draining)
        return 0;
    return qMax<qint64>(0, m_drainLeftAtTick - (m_sinceTick.isValid() ? m_sinceTick.elapsed() : 0));
}

QString ServiceState::statusText() const
{
    switch (phase()) {
    case Phase::Running:
    case Phase::Draining: {
        if (!m_haveHello)
            return tr("Connected to %1, waiting for hello…").arg(m_socketName);
        QString text = tr("Connected to pid %1, version %2, up for %3")
                           .arg(m_hello.pid)
                           .arg(m_hello.serverVersion,
                                format::duration(QDateTime::currentMSecsSinceEpoch() - m_hello.startTimeMs));
        if (phase() == Phase::Draining)
            text += tr(" — draining, %1 left").arg(format::duration(drainLeftMs()));
        return text;
    }
    case Phase::Disconnected:
        return tr("Disconnected from %1 since %2, retrying…")
            .arg(m_socketName, m_lostAt.toString(QStringLiteral("HH:mm:ss")));
    case Phase::Connecting:
        if (m_failedAttempts > 0)
            return tr("Connecting to %1… (no answer yet; is afcgid running? retrying)").arg(m_socketName);
        return tr("Connecting to %1…").arg(m_socketName);
    }
    return {};
}

QString ServiceState::bannerText() const
{
    switch (phase()) {
    case Phase::Disconnected:
        return tr("Disconnected from the service since %1 (%2 ago); retrying. Numbers are cleared "
                  "until it answers again; the charts show the gap.")
            .arg(m_lostAt.toString(QStringLiteral("HH:mm:ss")),
                 format::duration(m_lostAt.msecsTo(QDateTime::currentDateTime())));
    case Phase::Draining:
        return tr("The service is shutting down: it accepts no new connections and lets the "
                  "requests in flight finish. %1 left of the shutdown grace; then the rest are "
                  "aborted.")
            .arg(format::duration(drainLeftMs()));
    case Phase::Connecting:
    case Phase::Running:
        break;
    }
    return {};
}

QString ServiceState::windowTitle() const
{
    QString state;
    switch (phase()) {
    case Phase::Running: state = m_haveHello ? tr("pid %1").arg(m_hello.pid) : tr("connected"); break;
    case Phase::Draining: state = tr("draining"); break;
    case Phase::Disconnected: state = tr("disconnected"); break;
    case Phase::Connecting: state = tr("connecting"); break;
    }
    return tr("afcgi monitor — %1 — %2").arg(m_socketName, state);
}

} // namespace afcgi::gui
