#include "monitor/monitorrelay.h"

#include "channeladdress.h"
#include "peercredentials.h"

#include <QCoreApplication>
#include <QLocalSocket>
#include <QPointer>

#include <memory>
#include <thread>

namespace afcgi {

namespace {
constexpr int kConnectTimeoutMs = 5000;
constexpr qint64 kReadChunk = 16 * 1024;
} // namespace

MonitorRelay::MonitorRelay(QObject *parent) : QObject(parent), m_socket(new QLocalSocket(this))
{
    connect(m_socket, &QLocalSocket::readyRead, this, &MonitorRelay::onSocketReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] {
        onSocketReadyRead();
        Q_EMIT finished();
    });
}

MonitorRelay::~MonitorRelay() = default;

bool MonitorRelay::start(const QString &name, QString *error)
{
    const QString address = monitor::channelAddress(name);
    if (!monitor::prepareChannelDirectory(address, false, error))
        return false;
    m_socket->connectToServer(address);
    if (!m_socket->waitForConnected(kConnectTimeoutMs)) {
        *error = QStringLiteral("cannot reach the monitor channel %1: %2").arg(address, m_socket->errorString());
        return false;
    }
    const monitor::PeerCredentials peer = monitor::peerCredentials(*m_socket, monitor::PeerRole::Server);
    if (!peer.known || !peer.sameUser) {
        *error = QStringLiteral("refusing the service at %1: it runs as %2, not as this user (%3)")
                     .arg(address, peer.describe(), monitor::currentUserDescription());
        m_socket->abort();
        return false;
    }
    if (!m_stdout.open(1, QIODevice::WriteOnly | QIODevice::Unbuffered)) {
        *error = QStringLiteral("cannot write to stdout: %1").arg(m_stdout.errorString());
        return false;
    }
    // stdin has no portable notifier (a pipe on Windows cannot be polled): a thread reads it and
    // hands each chunk to this object's thread. It is left blocked in its read when the channel
    // closes first; the process is about to end then.
    const QPointer<MonitorRelay> self(this);
    std::thread([self] {
        for (;;) {
            QByteArray chunk(kReadChunk, Qt::Uninitialized);
            const qint64 n = readStdin(chunk.data(), chunk.size());
            chunk.resize(qMax<qint64>(0, n));
            if (QCoreApplication *app = QCoreApplication::instance()) {
                QMetaObject::invokeMethod(app, [self, chunk] {
                    if (self)
                        self->onStdin(chunk);
                }, Qt::QueuedConnection);
            }
            if (n <= 0)
                return;
        }
    }).detach();
    onSocketReadyRead(); // the hello may already be here
    return true;
}

void MonitorRelay::onSocketReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    if (!bytes.isEmpty() && m_stdout.isOpen())
        m_stdout.write(bytes);
}

void MonitorRelay::onStdin(const QByteArray &bytes)
{
    if (bytes.isEmpty()) {
        m_socket->disconnectFromServer(); // what was written still goes; then finished()
        if (m_socket->state() == QLocalSocket::UnconnectedState)
            Q_EMIT finished();
        return;
    }
    m_socket->write(bytes);
}

} // namespace afcgi
