#include "recordsocket.h"

#include "platform.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace afcgi::bench {

namespace {
constexpr int kReadTickMs = 100;
constexpr qint64 kMinReadBufferBytes = 4096;
}

RecordSocket::RecordSocket(const Endpoint &endpoint, QObject *parent)
    : QObject(parent), m_endpoint(endpoint)
{
    connect(&m_readTimer, &QTimer::timeout, this, &RecordSocket::onReadTick);
}

RecordSocket::~RecordSocket()
{
    close();
}

void RecordSocket::open()
{
    close();
    m_decoder = RecordDecoder();
    const auto wire = [this](auto *socket) {
        using Socket = std::remove_pointer_t<decltype(socket)>;
        m_device = socket;
        connect(socket, &Socket::connected, this, &RecordSocket::onConnected);
        connect(socket, &Socket::readyRead, this, &RecordSocket::onReadyRead);
        connect(socket, &Socket::disconnected, this, &RecordSocket::onLost);
        connect(socket, &Socket::errorOccurred, this, &RecordSocket::onLost);
        if (m_readLimit > 0)
            socket->setReadBufferSize(qMax(kMinReadBufferBytes, m_readLimit * kReadTickMs / 1000));
    };
    if (m_endpoint.isLocal) {
        wire(m_local = new QLocalSocket(this));
        m_local->connectToServer(m_endpoint.host);
    } else {
        wire(m_tcp = new QTcpSocket(this));
        m_tcp->connectToHost(m_endpoint.host, m_endpoint.port);
    }
}

void RecordSocket::close()
{
    if (m_device) {
        disconnect(m_device, nullptr, this, nullptr);
        if (m_tcp)
            m_tcp->abort();
        else
            m_local->abort();
    }
    dropSocket();
}

void RecordSocket::closeAbruptly()
{
    if (m_tcp && m_connected)
        setAbortiveClose(m_tcp->socketDescriptor());
    else if (m_local && m_connected)
        setAbortiveClose(m_local->socketDescriptor());
    close();
}

void RecordSocket::dropSocket()
{
    if (m_device)
        m_device->deleteLater(); // we may be inside one of its signals
    m_device = nullptr;
    m_tcp = nullptr;
    m_local = nullptr;
    m_connected = false;
    m_out.resize(0);
    m_wrote = false;
    m_readTimer.stop();
}

void RecordSocket::onConnected()
{
    if (m_connected)
        return;
    m_connected = true;
    if (m_tcp) // requests are small and latency matters: no Nagle delay
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_readLimit > 0) {
        m_readBudget = m_readLimit * kReadTickMs / 1000;
        m_readTimer.start(kReadTickMs);
    }
    Q_EMIT connected();
}

void RecordSocket::onLost()
{
    if (!m_device)
        return;
    close();
    Q_EMIT lost();
}

void RecordSocket::onReadyRead()
{
    if (!m_device)
        return;
    QByteArray bytes;
    if (m_readLimit > 0) {
        if (m_readBudget <= 0)
            return; // the next tick reads on
        bytes = m_device->read(m_readBudget);
        m_readBudget -= bytes.size();
    } else {
        bytes = m_device->readAll();
    }
    if (bytes.isEmpty())
        return;
    m_decoder.feed(bytes);
    Q_EMIT recordsReady(bytes.size());
}

void RecordSocket::onReadTick()
{
    m_readBudget = m_readLimit * kReadTickMs / 1000; // a fresh allowance, not an accumulated one
    if (m_device && m_device->bytesAvailable() > 0)
        onReadyRead();
}

void RecordSocket::setReadLimit(qint64 bytesPerSecond)
{
    m_readLimit = qMax<qint64>(0, bytesPerSecond);
}

void RecordSocket::writeShared(const QByteArray &bytes)
{
    if (!m_device)
        return;
    m_device->write(bytes); // shared, not copied; flushed at the end of the turn
    m_wrote = true;
}

qint64 RecordSocket::flush()
{
    if (!m_device)
        return 0;
    const qint64 written = m_out.size();
    if (!m_out.isEmpty()) {
        m_device->write(m_out.constData(), m_out.size()); // copied, so m_out keeps its capacity
        m_out.resize(0);
        m_wrote = true;
    }
    if (!m_wrote)
        return written;
    m_wrote = false;
    // Write now rather than on the next turn's write notification: one syscall per turn.
    if (m_tcp)
        m_tcp->flush();
    else
        m_local->flush();
    return written;
}

} // namespace afcgi::bench
