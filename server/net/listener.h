#pragma once

#include "config/listenaddress.h"

#include <QObject>

class QTcpServer;
class QLocalServer;

namespace afcgi {

// How a unix: socket file is made: its mode (octal bits, -1 = readable and writable by all),
// owner and group (names or ids; empty = the process's own).
struct UnixSocketFile
{
    int mode = -1;
    QString owner;
    QString group;
};

// One listening socket (TCP, Unix-domain, or inherited). Accepts on the acceptor thread and
// hands the raw descriptor on, so that a worker thread can own the connection from the start.
class Listener final : public QObject
{
    Q_OBJECT
public:
    explicit Listener(const ListenAddress &address, const UnixSocketFile &unixFile = {},
                      QObject *parent = nullptr);
    ~Listener() override;

    bool open(QString *error);
    void close();
    void setAccepting(bool accepting);
    bool canPause() const { return m_tcp != nullptr; } // Qt's QLocalServer cannot pause accepting
    QString name() const;      // as given, with the real port once bound to port 0
    quint16 port() const;      // TCP only

Q_SIGNALS:
    void incoming(qintptr descriptor, bool local, const QString &listenerName);

private:
    bool openTcp(QString *error);
    bool openUnix(QString *error);
    bool openInherited(QString *error);

    ListenAddress m_address;
    UnixSocketFile m_unixFile;
    QTcpServer *m_tcp = nullptr;
    QLocalServer *m_local = nullptr;
    bool m_renamedSocketFile = false; // made under another name: close() removes it
};

} // namespace afcgi
