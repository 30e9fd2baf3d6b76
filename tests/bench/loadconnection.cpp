#include "loadconnection.h"

#include "platform.h"
#include "recordencoder.h"
#include "requesttemplate.h"
#include "responsecheck.h"

#include <QTimer>

namespace afcgi::bench {

namespace {
constexpr int kReconnectDelayMs = 100;
constexpr int kEndRequestBodyLength = 8;
}

LoadConnection::LoadConnection(const Endpoint &endpoint, LoadShared *shared, int inFlight,
                               bool reissue, QObject *parent)
    : QObject(parent), m_shared(shared), m_reissue(reissue), m_socket(endpoint),
      m_slots(size_t(inFlight))
{
    connect(&m_socket, &RecordSocket::connected, this, &LoadConnection::onConnected);
    connect(&m_socket, &RecordSocket::recordsReady, this, &LoadConnection::onRecordsReady);
    connect(&m_socket, &RecordSocket::lost, this, &LoadConnection::onLost);
}

LoadConnection::~LoadConnection()
{
    close();
}

void LoadConnection::open()
{
    close();
    m_probeSent = false;
    m_socket.open();
}

void LoadConnection::close()
{
    m_socket.close();
    for (Slot &slot : m_slots)
        slot.active = false;
    m_active = 0;
}

void LoadConnection::onConnected()
{
    fill(nowNs());
    if (!m_reissue) {
        m_socket.out().append(encodeGetValues({QByteArrayLiteral("FCGI_MPXS_CONNS")}));
        m_probeSent = true;
    }
    flushOut();
    Q_EMIT connected();
    if (m_reissue && m_active == 0 && m_shared->budget == 0)
        Q_EMIT drained(); // reconnected after the budget was spent: nothing left to wait for
}

void LoadConnection::onLost()
{
    ++m_shared->counters.connectFailures;
    close();
    Q_EMIT lost();
    // Keep the load going (a server may close after each request, or restart): reconnect soon.
    if (m_shared->issuing && m_reissue)
        QTimer::singleShot(kReconnectDelayMs, this, [this] {
            if (!m_socket.isOpen() && m_shared->issuing)
                open();
        });
}

void LoadConnection::onRecordsReady(qint64 bytesRead)
{
    m_shared->counters.bytesIn += quint64(bytesRead);
    // One clock read per turn: every response read here arrived at the same time, and every
    // request issued here leaves in the write at the end of this turn.
    const qint64 now = nowNs();
    while (const auto record = m_socket.next()) {
        handleRecord(*record, now);
        if (!m_socket.isOpen())
            return; // the probe's receiver or a protocol error closed us
    }
    if (m_socket.decodeError() != DecodeError::None) {
        ++m_shared->counters.protocolErrors;
        m_socket.close();
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
        m_socket.writeShared(t.bytesFor(id));
    } else {
        t.appendTo(m_socket.out(), id);
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
    if (!m_socket.isConnected())
        return;
    fill(nowNs());
    flushOut();
}

void LoadConnection::flushOut()
{
    m_shared->counters.bytesOut += quint64(m_socket.flush());
}

} // namespace afcgi::bench
