#include "monitorclient.h"

#include "logging.h"

#include "channeladdress.h"
#include "peercredentials.h"

#include <QLocalSocket>
#include <QProcess>

namespace afcgi::gui {

namespace {
constexpr int kDefaultRetryMs = 1000;
} // namespace

MonitorClient::MonitorClient(QObject *parent)
    : QObject(parent), m_socket(new QLocalSocket(this)),
      m_socketName(monitor::channelAddress(QString()))
{
    m_retry.setSingleShot(true);
    m_retry.setInterval(kDefaultRetryMs);
    connect(&m_retry, &QTimer::timeout, this, &MonitorClient::connectNow);
    connect(m_socket, &QLocalSocket::connected, this, &MonitorClient::onConnected);
    connect(m_socket, &QLocalSocket::disconnected, this, &MonitorClient::onLost);
    connect(m_socket, &QLocalSocket::errorOccurred, this, &MonitorClient::onLost);
    connect(m_socket, &QLocalSocket::readyRead, this, &MonitorClient::onReadyRead);
}

MonitorClient::~MonitorClient()
{
    m_running = false;
    // No signals from the socket into a half-destroyed client.
    m_socket->disconnect(this);
    m_socket->abort();
    dropRelay();
}

void MonitorClient::dropRelay()
{
    if (!m_process)
        return;
    m_process->disconnect(this);
    m_process->kill();
    m_process->waitForFinished(1000); // a QProcess must not be destroyed while it runs
    m_process->deleteLater();
    m_process = nullptr;
}

void MonitorClient::setSocketName(const QString &name)
{
    m_name = name;
    m_socketName = monitor::channelAddress(name);
}

void MonitorClient::setVia(const QString &command, const QString &remoteProgram)
{
    m_via = command;
    m_remoteProgram = remoteProgram;
}

QIODevice *MonitorClient::device() const
{
    if (m_process)
        return m_process;
    return m_socket;
}

void MonitorClient::start()
{
    m_running = true;
    if (m_state == State::Disconnected)
        connectNow();
}

void MonitorClient::stop()
{
    m_running = false;
    m_retry.stop();
    m_socket->abort();
    dropRelay();
    setState(State::Disconnected);
}

bool MonitorClient::sendCommand(const monitor::Command &command)
{
    if (m_state != State::Connected)
        return false;
    device()->write(monitor::encode(command));
    return true;
}

void MonitorClient::connectNow()
{
    if (!m_running)
        return;
    ++m_generation;
    m_splitter = monitor::LineSplitter();
    m_socket->abort();
    dropRelay();
    setState(State::Connecting);
    if (!m_via.isEmpty()) {
        startRelay();
        return;
    }
    QString why;
    if (!monitor::prepareChannelDirectory(m_socketName, false, &why)) {
        refuse(why);
        return;
    }
    qCDebug(lcClient) << "connecting to" << m_socketName;
    m_socket->connectToServer(m_socketName); // errors may be reported before this returns
}

void MonitorClient::onConnected()
{
    if (m_process) {
        // The relay checked the service's user on its host; here there is only our own child.
        m_failedAttempts = 0;
        qCInfo(lcClient).noquote() << "relay started:" << m_via;
        setState(State::Connected);
        return;
    }
    const monitor::PeerCredentials peer = monitor::peerCredentials(*m_socket, monitor::PeerRole::Server);
    const bool trusted = peer.known && peer.uid >= 0 && peer.uid == m_trustedUid;
    if (!peer.known || !(peer.sameUser || trusted)) {
        refuse(tr("refusing the service at %1: it runs as %2, not as you (%3); if you trust it, "
                  "name its user with --service-user")
                   .arg(m_socketName, peer.describe(), monitor::currentUserDescription()));
        return;
    }
    m_refusal.clear();
    m_failedAttempts = 0;
    qCInfo(lcClient) << "connected to" << m_socket->fullServerName();
    setState(State::Connected);
}

void MonitorClient::onLost()
{
    if (m_state == State::Disconnected)
        return; // errorOccurred and disconnected both report the same loss
    if (m_state == State::Connected)
        qCInfo(lcClient) << "connection to" << m_socketName << "lost:" << m_socket->errorString();
    else
        ++m_failedAttempts;
    ++m_generation;
    setState(State::Disconnected);
    if (m_running)
        m_retry.start();
}

void MonitorClient::refuse(const QString &why)
{
    if (why != m_refusal)
        qCWarning(lcClient).noquote() << why; // once, not at every retry
    m_refusal = why;
    Q_EMIT refused(why);
    m_socket->abort(); // nothing it sent is read
    if (m_state != State::Disconnected)
        onLost(); // counts the attempt and schedules the next one
}

void MonitorClient::startRelay()
{
    QStringList arguments = QProcess::splitCommand(m_via);
    if (arguments.isEmpty()) {
        refuse(tr("--via: an empty command"));
        return;
    }
    const QString program = arguments.takeFirst();
    arguments << m_remoteProgram << QStringLiteral("--monitor-relay");
    if (!m_name.isEmpty())
        arguments << m_name;
    m_process = new QProcess(this);
    m_process->setReadChannel(QProcess::StandardOutput);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &MonitorClient::onReadyRead);
    connect(m_process, &QProcess::started, this, &MonitorClient::onConnected);
    connect(m_process, &QProcess::finished, this, &MonitorClient::onRelayFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onRelayFinished();
    });
    qCDebug(lcClient) << "starting" << program << arguments;
    m_process->start(program, arguments);
}

void MonitorClient::onRelayFinished()
{
    if (!m_process)
        return;
    QString why = QString::fromLocal8Bit(m_process->readAllStandardError()).trimmed();
    if (m_process->error() == QProcess::FailedToStart)
        why = m_process->errorString();
    if (!why.isEmpty() || m_process->exitCode() != 0) {
        const QString message = tr("the relay command '%1' ended (exit %2)%3")
                                    .arg(m_via)
                                    .arg(m_process->exitCode())
                                    .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
        if (message != m_refusal)
            qCInfo(lcClient).noquote() << message; // the service may just be restarting
        m_refusal = message;
        Q_EMIT refused(message);
    }
    onReadyRead(); // what it wrote before it ended
    m_process->disconnect(this);
    m_process->deleteLater();
    m_process = nullptr;
    onLost();
}

void MonitorClient::onReadyRead()
{
    const quint64 generation = m_generation;
    QIODevice *input = device();
    if (!input->isOpen())
        return;
    m_splitter.feed(input->readAll());
    while (std::optional<QByteArray> line = m_splitter.next()) {
        QString error;
        if (std::optional<monitor::Message> message = monitor::decodeMessage(*line, &error)) {
            dispatch(*message);
        } else {
            qCDebug(lcClient) << "skipping a malformed line:" << error;
            Q_EMIT protocolError(error);
        }
        if (generation != m_generation)
            return; // a slot stopped or restarted the client; the rest belongs to the old stream
    }
    if (m_splitter.hasError()) {
        Q_EMIT protocolError(tr("a line exceeded the size limit; reconnecting"));
        if (m_process) {
            m_process->kill(); // finished() reports the loss
            return;
        }
        m_socket->abort(); // reported as a loss: the retry timer takes over
        onLost();
    }
}

void MonitorClient::dispatch(const monitor::Message &message)
{
    std::visit(
        [this](const auto &m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, monitor::Hello>)
                Q_EMIT helloReceived(m);
            else if constexpr (std::is_same_v<T, monitor::Snapshot>)
                Q_EMIT snapshotReceived(m);
            else if constexpr (std::is_same_v<T, monitor::Tick>)
                Q_EMIT tickReceived(m);
            else if constexpr (std::is_same_v<T, monitor::LogBatch>)
                Q_EMIT logReceived(m);
            else if constexpr (std::is_same_v<T, monitor::Ack>)
                Q_EMIT ackReceived(m);
            else
                Q_EMIT errorReceived(m);
        },
        message);
}

void MonitorClient::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace afcgi::gui
