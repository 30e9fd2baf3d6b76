#include "loadconnection.h"

#include "recordencoder.h"
#include "requesttemplate.h"
#include "responsecheck.h"

#include <QLocalSocket>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>

namespace afcgi::bench {

namespace {
constexpr int kReconnectDelayMs = 100;
constexpr int kEndRequestBodyLength = 8;
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

LoadConnection::LoadConnection(const Endpoint &endpoint, LoadShared *shared, int inFlight,
                               bool reissue, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_shared(shared), m_reissue(reissue),
      m_slots(size_t(inFlight))
{
}

LoadConnection::~LoadConnection()
{
    close();
}

void LoadConnection::open()
{
    close();
    m_decoder = RecordDecoder();
    m_probeSent = false;
    const auto wire = [this](auto *socket) {
        using Socket = std::remove_pointer_t<decltype(socket)>;
        m_device = socket;
        connect(socket, &Socket::connected, this, &LoadConnection::onConnected);
        connect(socket, &Socket::readyRead, this, &LoadConnection::onReadyRead);
        connect(socket, &Socket::disconnected, this, &LoadConnection::onLost);
        connect(socket, &Socket::errorOccurred, this, &LoadConnection::onLost);
    };
    if (m_endpoint.isLocal) {
        wire(m_local = new QLocalSocket(this));
        m_local->connectToServer(m_endpoint.host);
    } else {
        wire(m_tcp = new QTcpSocket(this));
        m_tcp->connectToHost(m_endpoint.host, m_endpoint.port);
    }
}

void LoadConnection::close()
{
    if (m_device) {
        disconnect(m_device, nullptr, this, nullptr);
        if (m_tcp)
            m_tcp->abort();
        else
            m_local->abort();
        m_device->deleteLater(); // we may be inside one of its signals
    }
    m_device = nullptr;
    m_tcp = nullptr;
    m_local = nullptr;
    m_connected = false;
    for (Slot &slot : m_slots)
        slot.active = false;
    m_active = 0;
    m_out.resize(0);
}

void LoadConnection::onConnected()
{
    if (m_connected)
        return;
    m_connected = true;
    if (m_tcp) // requests are small and latency matters: no Nagle delay
        m_tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    fill(nowNs());
    if (!m_reissue) {
        m_out.append(encodeGetValues({QByteArrayLiteral("FCGI_MPXS_CONNS")}));
        m_probeSent = true;
    }
    flushOut();
    Q_EMIT connected();
    if (m_reissue && m_active == 0 && m_shared->budget == 0)
        Q_EMIT drained(); // reconnected after the budget was spent: nothing left to wait for
}

void LoadConnection::onLost()
{
    if (!m_device)
        return;
    ++m_shared->counters.connectFailures;
    close();
    Q_EMIT lost();
    // Keep the load going (a server may close after each request, or restart): reconnect soon.
    if (m_shared->issuing && m_reissue)
        QTimer::singleShot(kReconnectDelayMs, this, [this] {
            if (!m_device && m_shared->issuing)
                open();
        });
}

void LoadConnection::onReadyRead()
{
    if (!m_device)
        return;
    const QByteArray bytes = m_device->readAll();
    m_shared->counters.bytesIn += quint64(bytes.size());
    m_decoder.feed(bytes);
    // One clock read per turn: every response read here arrived at the same time, and every
    // request issued here leaves in the write at the end of this turn.
    const qint64 now = nowNs();
    while (const auto record = m_decoder.next()) {
        handleRecord(*record, now);
        if (!m_device)
            return; // the probe's receiver or a protocol error closed us
    }
    if (m_decoder.error() != DecodeError::None) {
        ++m_shared->counters.protocolErrors;
        onLost();
        return;
    }
    flushOut();
    if (m_active == 0 && m_reissue && m_shared->budget == 0)
        Q_EMIT drained();
}

void LoadConnection::handleRecord(const Record &record, qint64 now)
{
    const quint16 id = record.requestId;
    const bool inFlight = id >= 1 && id <= m_slots.size() && m_slots[id - 1].active;
    switch (record.recordType()) {
    case RecordType::Stdout:
        if (!inFlight)
            break;
        m_slots[id - 1].check.feed(record.content, m_shared->request->expectedBody(),
                                   m_shared->request->checksBody());
        return;
    case RecordType::Stderr:
        if (!inFlight)
            break;
        return; // allowed, and not part of the response
    case RecordType::EndRequest:
        if (!inFlight)
            break;
        endRequest(id, record, now);
        return;
    case RecordType::GetValuesResult:
        // Go's net/http/fcgi ends its GET_VALUES_RESULT with an empty record, as if it were a
        // stream; harmless, so not counted.
        if (id == kNullRequestId && !m_probeSent && record.content.isEmpty())
            return;
        if (id != kNullRequestId || !m_probeSent)
            break;
        m_probeSent = false;
        Q_EMIT probeAnswered();
        return;
    default:
        break;
    }
    ++m_shared->counters.protocolErrors;
}

void LoadConnection::endRequest(quint16 id, const Record &record, qint64 now)
{
    Slot &slot = m_slots[id - 1];
    slot.active = false;
    --m_active;
    LoadCounters &c = m_shared->counters;
    ++c.completed;
    m_shared->latency.record(now - slot.startNs);
    if (record.content.size() < kEndRequestBodyLength) {
        ++c.protocolErrors;
    } else if (quint8(record.content.at(4)) != quint8(ProtocolStatus::RequestComplete)) {
        ++c.rejected; // e.g. CANT_MPX_CONN from a server that cannot multiplex, or OVERLOADED
    } else {
        const RequestTemplate &t = *m_shared->request;
        switch (slot.check.finish(t.expectedBody(), t.checksBody())) {
        case Verdict::Ok: break;
        case Verdict::WrongStatus: ++c.wrongStatus; break;
        case Verdict::WrongBody:
        case Verdict::Malformed: ++c.wrongBody; break;
        }
    }
    if (m_reissue && m_shared->issuing && m_shared->budget != 0)
        issue(id, now);
}

void LoadConnection::issue(quint16 id, qint64 now)
{
    Slot &slot = m_slots[id - 1];
    slot.active = true;
    slot.startNs = now;
    slot.check.reset();
    ++m_active;
    if (m_shared->budget > 0)
        --m_shared->budget;
    const RequestTemplate &t = *m_shared->request;
    if (t.sharesPerId()) {
        m_shared->counters.bytesOut += quint64(t.size());
        m_device->write(t.bytesFor(id)); // shared, not copied; flushed at the end of the turn
        m_wrote = true;
    } else {
        t.appendTo(m_out, id);
    }
}

void LoadConnection::fill(qint64 now)
{
    for (size_t i = 0; i < m_slots.size(); ++i) {
        if (!m_shared->issuing || m_shared->budget == 0)
            return;
        if (!m_slots[i].active)
            issue(quint16(i + 1), now);
    }
}

void LoadConnection::kick()
{
    if (!m_connected)
        return;
    fill(nowNs());
    flushOut();
}

void LoadConnection::flushOut()
{
    if (!m_device)
        return;
    if (!m_out.isEmpty()) {
        m_shared->counters.bytesOut += quint64(m_out.size());
        m_device->write(m_out.constData(), m_out.size()); // copied, so m_out keeps its capacity
        m_out.resize(0);
        m_wrote = true;
    }
    if (!m_wrote)
        return;
    m_wrote = false;
    // Write now rather than on the next turn's write notification: one syscall per turn.
    if (m_tcp)
        m_tcp->flush();
    else
        m_local->flush();
}

} // namespace afcgi::bench
