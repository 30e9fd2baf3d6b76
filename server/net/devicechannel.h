#pragma once

#include "net/bytechannel.h"

class QIODevice;

namespace afcgi {

// A ByteChannel over any QIODevice (QTcpSocket, QLocalSocket, or an in-memory device in tests).
// Takes ownership of the device.
class DeviceChannel final : public ByteChannel
{
    Q_OBJECT
public:
    explicit DeviceChannel(QIODevice *device, QObject *parent = nullptr);

    QByteArray readAll() override;
    qint64 bytesAvailable() const override;
    void write(const QByteArray &bytes) override;
    qint64 bytesToWrite() const override;
    void flush() override;
    void closeWriting() override;
    void abort() override;

private:
    QIODevice *m_device;
};

} // namespace afcgi
