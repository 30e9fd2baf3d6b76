#include "net/listener.h"

#include "config/logging.h"
#include "net/inheritedsocket.h"
#include "net/socketowner.h"
#include "socketprobe.h"

#include <QFile>
#include <QLocalServer>
#include <QTcpServer>

namespace afcgi {

namespace {

// The kernel's queue of connections not accepted yet, as nginx and PHP-FPM set it (Qt's default
// is 50): a web server opening a burst of connections gets them all, none retried a second later.
constexpr int kListenBacklog = 511;

// The servers only pass the descriptor on: no QTcpSocket is made on the acceptor thread.
class HandOffTcpServer final : public QTcpServer
{
public:
    explicit HandOffTcpServer(Listener *owner) : QTcpServer(owner) {}
    std::function<void(qintptr)> onIncoming;

protected:
    void incomingConnection(qintptr descriptor) override { onIncoming(descriptor); }
};

class HandOffLocalServer final : public QLocalServer
{
public:
    explicit HandOffLocalServer(Listener *owner) : QLocalServer(owner) {}
    std::function<void(qintptr)> onIncoming;

protected:
    void incomingConnection(quintptr descriptor) override { onIncoming(qintptr(descriptor)); }
};

} // namespace

Listener::Listener(const ListenAddress &address, const UnixSocketFile &unixFile, QObject *parent)
    : QObject(parent), m_address(address), m_unixFile(unixFile)
{
}

Listener::~Listener()
{
    close();
}

bool Listener::open(QString *error)
{
    switch (m_address.kind) {
    case ListenAddress::Kind::Tcp: return openTcp(error);
    case ListenAddress::Kind::Unix: return openUnix(error);
    case ListenAddress::Kind::InheritedFd: return openInherited(error);
    }
    return false;
}

bool Listener::openTcp(QString *error)
{
    auto *server = new HandOffTcpServer(this);
    server->onIncoming = [this](qintptr fd) { Q_EMIT incoming(fd, false, name()); };
    server->setMaxPendingConnections(1024);
    server->setListenBacklogSize(kListenBacklog);
    m_tcp = server;
    if (!server->listen(m_address.host, m_address.port)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(m_address.toString(), server->errorString());
        return false;
    }
    m_address.port = server->serverPort();
    return true;
}

bool Listener::openUnix(QString *error)
{
    auto *server = new HandOffLocalServer(this);
    server->onIncoming = [this](qintptr fd) { Q_EMIT incoming(fd, true, name()); };
    server->setListenBacklogSize(localListenBacklog(kListenBacklog));
    m_local = server;
    // Never take over a live socket of another instance; clear only a stale file. Asked on
    // every platform: a named pipe (Windows) has no file to see, and a second server on the
    // same name would silently share it.
    if (monitor::someoneListensOn(m_address.path, 500)) {
        *error = QStringLiteral("cannot listen on %1: another process is serving it")
                     .arg(m_address.toString());
        return false;
    }
    if (QFile::exists(m_address.path))
        QLocalServer::removeServer(m_address.path);
    // Web servers usually run as another user (www-data): by default any local user may
    // connect (0666). The file is made with its mode, never more open for a moment.
    const int mode = m_unixFile.mode >= 0 ? m_unixFile.mode : 0666;
    server->setSocketOptions(localServerAccess(mode));
    // A socket to be given to another owner or group is made under a name of its own and renamed
    // into place once given away: a client that waits for the socket to answer (a web server
    // started beside afcgid, running as that owner) never finds it still afcgid's user's.
    const bool givenAway = !m_unixFile.owner.isEmpty() || !m_unixFile.group.isEmpty();
    const QString madeAs = givenAway ? m_address.path + QStringLiteral(".new") : m_address.path;
    if (givenAway && QFile::exists(madeAs))
        QLocalServer::removeServer(madeAs);
    bool listening = false;
    {
        const CreationModeScope creationMode(mode);
        listening = server->listen(madeAs);
    }
    if (!listening) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(m_address.toString(), server->errorString());
        return false;
    }
    // Again, explicitly: where the platform ignores the creation mode (not Linux), this sets it.
    if (!setSocketMode(madeAs, mode, error)
        || !setSocketOwner(madeAs, m_unixFile.owner, m_unixFile.group, error)) {
        server->close();
        return false;
    }
    if (givenAway) {
        if (!QFile::rename(madeAs, m_address.path)) {
            *error = QStringLiteral("cannot listen on %1: cannot rename %2 to it")
                         .arg(m_address.toString(), madeAs);
            server->close();
            return false;
        }
        m_renamedSocketFile = true;
    }
    return true;
}

bool Listener::openInherited(QString *error)
{
    switch (inheritedListeningSocket(m_address.fd)) {
    case InheritedSocketKind::Tcp: {
        auto *server = new HandOffTcpServer(this);
        server->onIncoming = [this](qintptr fd) { Q_EMIT incoming(fd, false, name()); };
        m_tcp = server;
        if (!server->setSocketDescriptor(m_address.fd)) {
            *error = QStringLiteral("cannot use inherited socket fd %1: %2")
                         .arg(m_address.fd).arg(server->errorString());
            return false;
        }
        return true;
    }
    case InheritedSocketKind::Unix: {
        auto *server = new HandOffLocalServer(this);
        server->onIncoming = [this](qintptr fd) { Q_EMIT incoming(fd, true, name()); };
        m_local = server;
        if (!server->listen(qintptr(m_address.fd))) {
            *error = QStringLiteral("cannot use inherited socket fd %1: %2")
                         .arg(m_address.fd).arg(server->errorString());
            return false;
        }
        return true;
    }
    case InheritedSocketKind::None:
        break;
    }
    *error = QStringLiteral("fd %1 is not a listening socket").arg(m_address.fd);
    return false;
}

void Listener::close()
{
    if (m_tcp)
        m_tcp->close();
    if (m_local) {
        m_local->close(); // also removes the socket file it created, under the name it made
        delete m_local;
        m_local = nullptr;
    }
    if (m_renamedSocketFile) {
        QFile::remove(m_address.path);
        m_renamedSocketFile = false;
    }
}

void Listener::setAccepting(bool accepting)
{
    if (!m_tcp)
        return;
    if (accepting)
        m_tcp->resumeAccepting();
    else
        m_tcp->pauseAccepting();
}

QString Listener::name() const
{
    return m_address.toString();
}

quint16 Listener::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

} // namespace afcgi
