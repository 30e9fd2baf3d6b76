#include "net/devicechannel.h"

#include "net/halfclose.h"

#include <QAbstractSocket>
#include <QLocalSocket>

namespace afcgi {

DeviceChannel::DeviceChannel(QIODevice *device, QObject *parent)
    : ByteChannel(parent), m_device(device)
{
    m_device->setParent(this);
    connect(m_device, &QIODevice::readyRead, this, &ByteChannel::readyRead);
    connect(m_device, &QIODevice::bytesWritten, this, &ByteChannel::bytesWritten);
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_device))
        connect(tcp, &QAbstractSocket::disconnected, this, &ByteChannel::disconnected);
    else if (auto *local = qobject_cast<QLocalSocket *>(m_device))
        connect(local, &QLocalSocket::disconnected, this, &ByteChannel::disconnected);
}

QByteArray DeviceChannel::readAll()
{
    return m_device->readAll();
}

qint64 DeviceChannel::bytesAvailable() const
{
    return m_device->bytesAvailable();
}

void DeviceChannel::write(const QByteArray &bytes)
{
    m_device->write(bytes);
}

qint64 DeviceChannel::bytesToWrite() const
{
    return m_device->bytesToWrite();
}

void DeviceChannel::flush()
{
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_device))
        tcp->flush();
    else if (auto *local = qobject_cast<QLocalSocket *>(m_device))
        local->flush();
}

void DeviceChannel::closeWriting()
{
    auto *tcp = qobject_cast<QAbstractSocket *>(m_device);
    auto *local = qobject_cast<QLocalSocket *>(m_device);
    const qintptr fd = tcp ? tcp->socketDescriptor() : local ? local->socketDescriptor() : -1;
    if (shutdownWriting(fd))
        return;
    if (tcp)
        tcp->disconnectFromHost();
    else if (local)
        local->disconnectFromServer();
}

void DeviceChannel::abort()
{
    if (auto *tcp = qobject_cast<QAbstractSocket *>(m_device))
        tcp->abort();
    else if (auto *local = qobject_cast<QLocalSocket *>(m_device))
        local->abort();
}

} // namespace afcgi
