#pragma once

#include "monitorprotocol.h"

#include <QObject>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QIODevice;
class QLocalSocket;
class QProcess;
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
// It talks only to a service of its own user (or of the user setTrustedUser() names): the
// per-user channel directory is checked before connecting and the kernel's word on who serves
// the socket right after; anything else is refused, with refused() saying why.
// With setVia() it reaches a service on another host instead: it runs the command (`ssh
// user@host`) with `afcgid --monitor-relay [NAME]` after it and speaks over its stdin and stdout
// (the relay checks the service's user there); a command that exits is a lost connection.
class MonitorClient final : public QObject
{
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected };
    Q_ENUM(State)

    explicit MonitorClient(QObject *parent = nullptr);
    ~MonitorClient() override;

    // A name (in the per-user channel directory), a path, or empty for the default channel;
    // takes effect at the next attempt. socketName() is the full address.
    void setSocketName(const QString &name);
    QString socketName() const { return m_socketName; }
    // Reach the service through `command` (split as a shell would, without a shell), which
    // must run `remoteProgram --monitor-relay [NAME]` on the service's host: `ssh user@host`.
    // Empty: the local channel. Takes effect at the next attempt.
    void setVia(const QString &command, const QString &remoteProgram = QStringLiteral("afcgid"));
    QString via() const { return m_via; }
    // A service running as this user id is accepted too (the user named it); -1: none.
    void setTrustedUser(qint64 uid) { m_trustedUid = uid; }
    // Why the last attempt was refused; empty once a service was accepted.
    QString refusal() const { return m_refusal; }
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
    // The channel or the process serving it is not to be trusted; the client retries later.
    void refused(const QString &why);

private:
    void connectNow();
    void onConnected();
    void onLost();
    void onReadyRead();
    void refuse(const QString &why);
    void startRelay();
    void dropRelay();
    void onRelayFinished();
    QIODevice *device() const;
    void dispatch(const afcgi::monitor::Message &message);
    void setState(State state);

    QLocalSocket *m_socket;
    QTimer m_retry;
    afcgi::monitor::LineSplitter m_splitter;
    QString m_socketName;
    QString m_name;         // as given to setSocketName(): what the relay is told
    QString m_via;
    QString m_remoteProgram;
    QProcess *m_process = nullptr; // the relay command of the current attempt
    QString m_refusal;
    qint64 m_trustedUid = -1;
    State m_state = State::Disconnected;
    bool m_running = false;
    int m_failedAttempts = 0;
    quint64 m_generation = 0; // bumped per connection, so a slot that reconnects stops dispatch
};

} // namespace afcgi::gui
