#pragma once

#include "monitorprotocol.h"

#include <QObject>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QLocalSocket;
QT_END_NAMESPACE

Q_DECLARE_METATYPE(afcgi::monitor::Hello)
Q_DECLARE_METATYPE(afcgi::monitor::Snapshot)
Q_DECLARE_METATYPE(afcgi::monitor::Tick)
Q_DECLARE_METATYPE(afcgi::monitor::LogBatch)
Q_DECLARE_METATYPE(afcgi::monitor::Ack)
Q_DECLARE_METATYPE(afcgi::monitor::Error)

namespace afcgi::gui {

// The monitor's end of the channel: connects to afcgid's local socket, splits the stream into
// lines, decodes them and emits one typed signal per message. It reconnects by itself, every
// retryInterval() ms, after a failed attempt or a lost connection, until stop().
class MonitorClient final : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit MonitorClient(QObject *parent = nullptr);
    ~MonitorClient() override;

    void setSocketName(const QString &name); // takes effect at the next attempt
    QString socketName() const { return m_socketName; }
    void setRetryInterval(int ms) { m_retry.setInterval(ms); }
    int retryInterval() const { return m_retry.interval(); }

    State state() const { return m_state; }
    // Failed attempts since the last successful connection.
    int failedAttempts() const { return m_failedAttempts; }

    void start(); // connect now; keep reconnecting until stop()
    void stop();
    // Sends one command line; false when not connected.
    bool sendCommand(const afcgi::monitor::Command &command);

Q_SIGNALS:
    void stateChanged(afcgi::gui::MonitorClient::State state);
    void helloReceived(const afcgi::monitor::Hello &hello);
    void snapshotReceived(const afcgi::monitor::Snapshot &snapshot);
    void tickReceived(const afcgi::monitor::Tick &tick);
    void logReceived(const afcgi::monitor::LogBatch &batch);
    void ackReceived(const afcgi::monitor::Ack &ack);
    void errorReceived(const afcgi::monitor::Error &error);
    // A line that did not decode; it is skipped and the stream goes on.
    void protocolError(const QString &reason);

private:
    void connectNow();
    void onConnected();
    void onLost();
    void onReadyRead();
    void dispatch(const afcgi::monitor::Message &message);
    void setState(State state);

    QLocalSocket *m_socket;
    QTimer m_retry;
    afcgi::monitor::LineSplitter m_splitter;
    QString m_socketName;
    State m_state = State::Disconnected;
    bool m_running = false;
    int m_failedAttempts = 0;
    quint64 m_generation = 0; // bumped per connection, so a slot that reconnects stops dispatch
};

} // namespace afcgi::gui
