// Connections through Qt's sockets (DeviceChannel): the Windows path, also built on Linux with
// AFCGI_PORTABLE_IO so that its tests run there (see server/CMakeLists.txt).
#include "net/bytechannel.h"
#include "net/devicechannel.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace afcgi {

AdoptedSocket adoptSocket(qintptr descriptor, bool local)
{
    AdoptedSocket adopted;
    if (local) {
        auto *socket = new QLocalSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            adopted.error = socket->errorString();
            delete socket;
            return adopted;
        }
        adopted.channel = new DeviceChannel(socket);
        return adopted;
    }
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        adopted.error = socket->errorString();
        delete socket;
        return adopted;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    adopted.peerAddress = socket->peerAddress();
    adopted.peerPort = socket->peerPort();
    adopted.channel = new DeviceChannel(socket);
    return adopted;
}

} // namespace afcgi
