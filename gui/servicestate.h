#pragma once

#include "monitorclient.h"
#include "monitorprotocol.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>

namespace afcgi::gui {

// What the window knows of the service as a whole: whether it is reachable, who it is (hello),
// whether it runs or drains after SIGTERM (and how long it has left), at which log level. Turns
// that into the words the window shows: the status line, the banner over the tabs (empty while
// all is well), the window title. Numbers stay with the pages; this is only the state.
class ServiceState final : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Connecting, Running, Draining, Disconnected };
    Q_ENUM(Phase)

    explicit ServiceState(QObject *parent = nullptr);

    void setSocketName(const QString &name) { m_socketName = name; }
    void setClientState(MonitorClient::State state, int failedAttempts);
    void setHello(const afcgi::monitor::Hello &hello);
    void applyTick(const afcgi::monitor::Tick &tick);

    Phase phase() const;
    bool haveHello() const { return m_haveHello; }
    const afcgi::monitor::Hello &hello() const { return m_hello; }
    // The service's log level as last told (hello or tick); empty when it never said.
    QString logLevel() const { return m_logLevel; }
    // While draining: the grace left now (the last tick's figure, counted down since).
    qint64 drainLeftMs() const;

    QString statusText() const;
    QString bannerText() const;
    QString windowTitle() const;

Q_SIGNALS:
    void changed();

private:
    QString m_socketName;
    MonitorClient::State m_client = MonitorClient::State::Disconnected;
    int m_failedAttempts = 0;
    bool m_wasConnected = false;
    bool m_haveHello = false;
    afcgi::monitor::Hello m_hello;
    QString m_logLevel;
    QString m_serviceState;     // "running", "draining"; empty until a tick tells
    qint64 m_drainLeftAtTick = 0;
    QElapsedTimer m_sinceTick;
    QDateTime m_lostAt;         // when the connection was lost
};

} // namespace afcgi::gui
