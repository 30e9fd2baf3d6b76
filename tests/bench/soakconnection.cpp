#include "soakconnection.h"

#include "fcgiclient.h"
#include "platform.h"
#include "progressline.h"
#include "recordencoder.h"

#include <QTimer>

#include <cstdio>

namespace afcgi::bench {

namespace {
constexpr int kReconnectDelayMs = 100;
constexpr int kEndRequestBodyLength = 8;
constexpr int kMaxProblemLines = 20; // details of the first wrong answers, on stderr

void appendRequest(QByteArray &out, quint16 id, const SoakRequest &r)
{
    const NameValueList params = FcgiClient::requestParams(
        r.post ? "POST" : "GET", r.uri, r.post ? r.body.size() : -1,
        r.post ? QByteArrayView("application/octet-stream") : QByteArrayView());
    out.append(encodeBeginRequest(id, Role::Responder, /*keepConn=*/true));
    appendRecord(out, RecordType::Params, id, encodeNameValues(params));
    appendRecord(out, RecordType::Params, id, {});
    if (!r.body.isEmpty())
        appendRecord(out, RecordType::Stdin, id, r.body);
    appendRecord(out, RecordType::Stdin, id, {});
}

QString verdictText(Verdict v)
{
    switch (v) {
    case Verdict::Ok: return QStringLiteral("ok");
    case Verdict::WrongStatus: return QStringLiteral("wrong status");
    case Verdict::WrongBody: return QStringLiteral("wrong body");
    case Verdict::Malformed: return QStringLiteral("malformed headers");
    }
    return {};
}
} // namespace

quint64 SoakCounters::completed() const
{
    quint64 n = 0;
    for (int i = 0; i < kSoakKindCount; ++i)
        n += answered[size_t(i)] + wrong[size_t(i)];
    return n;
}

SoakConnection::SoakConnection(const Endpoint &endpoint, SoakShared *shared, int depth,
                               qint64 readLimit, QObject *parent)
    : QObject(parent), m_shared(shared), m_socket(endpoint), m_slots(size_t(depth))
{
    m_socket.setReadLimit(readLimit);
    connect(&m_socket, &RecordSocket::connected, this, &SoakConnection::onConnected);
    connect(&m_socket, &RecordSocket::recordsReady, this, &SoakConnection::onRecordsReady);
    connect(&m_socket, &RecordSocket::lost, this, &SoakConnection::onLost);
}

void SoakConnection::open()
{
    close();
    m_socket.open();
}

void SoakConnection::close()
{
    m_socket.close();
    clearSlots();
}

void SoakConnection::clearSlots()
{
    for (Slot &slot : m_slots)
        slot.active = false;
    m_active = 0;
    m_dropAtTurnEnd = false;
}

void SoakConnection::onConnected()
{
    fill(nowNs());
    endTurn();
    Q_EMIT connected();
}

void SoakConnection::onLost()
{
    // Not one we dropped on purpose: the server closed or reset it, or would not accept it.
    ++m_shared->counters.connectionLost;
    problem(nullptr, 0, QStringLiteral("connection lost with %1 requests in flight").arg(m_active));
    m_shared->counters.cut += quint64(m_active);
    close();
    if (m_shared->mayIssue())
        QTimer::singleShot(kReconnectDelayMs, this, [this] {
            if (!m_socket.isOpen() && m_shared->mayIssue())
                open();
        });
    else
        Q_EMIT drained();
}

void SoakConnection::onRecordsReady(qint64 bytesRead)
{
    m_shared->counters.bytesIn += quint64(bytesRead);
    const qint64 now = nowNs(); // one clock read per turn
    while (const auto record = m_socket.next()) {
        handleRecord(*record, now);
        if (!m_socket.isOpen())
            return;
    }
    if (m_socket.decodeError() != DecodeError::None) {
        ++m_shared->counters.protocolErrors;
        problem(nullptr, 0, QStringLiteral("undecodable stream: %1").arg(QLatin1String(toString(m_socket.decodeError()))));
        m_socket.close();
        onLost();
        return;
    }
    endTurn();
}

void SoakConnection::handleRecord(const Record &record, qint64 now)
{
    const quint16 id = record.requestId;
    const bool inFlight = id >= 1 && id <= m_slots.size() && m_slots[id - 1].active;
    if (inFlight) {
        switch (record.recordType()) {
        case RecordType::Stdout:
            onStdout(id, record.content);
            return;
        case RecordType::Stderr:
            return; // allowed, and not part of the response
        case RecordType::EndRequest:
            endRequest(id, record, now);
            return;
        default:
            break;
        }
    }
    ++m_shared->counters.protocolErrors;
    problem(inFlight ? &m_slots[id - 1] : nullptr, id,
            QStringLiteral("record type %1 for request %2, which is %3").arg(record.type).arg(id)
                .arg(inFlight ? QStringLiteral("in flight") : QStringLiteral("not in flight")));
}

void SoakConnection::onStdout(quint16 id, const QByteArray &content)
{
    Slot &slot = m_slots[id - 1];
    if (slot.stdoutEnded) {
        ++m_shared->counters.protocolErrors;
        problem(&slot, id, QStringLiteral("STDOUT after the end of STDOUT"));
        return;
    }
    if (content.isEmpty()) {
        slot.stdoutEnded = true;
        return;
    }
    if (slot.request.expectsLines)
        slot.lines.feed(slot.check.consume(content));
    else
        slot.check.feed(content, slot.request.expectedBody, true);
    if (slot.request.abortOnFirstOutput && !slot.abortSent)
        sendAbort(id);
}

Verdict SoakConnection::judge(const Slot &slot) const
{
    const ResponseCheck &check = slot.check;
    const SoakRequest &r = slot.request;
    if (slot.abortSent) {
        // Cut anywhere, or complete when the abort came too late: whatever arrived must be a
        // correct beginning.
        if (!check.headComplete())
            return Verdict::Ok;
        const Verdict head = check.headVerdict();
        const bool prefixOk = r.expectsLines ? slot.lines.matchesSoFar() : check.bodyMatchesSoFar();
        return head != Verdict::Ok || prefixOk ? head : Verdict::WrongBody;
    }
    if (r.expectsLines) {
        const Verdict head = check.headVerdict();
        return head != Verdict::Ok || slot.lines.isComplete(r.streamLines) ? head : Verdict::WrongBody;
    }
    return check.finish(r.expectedBody, true);
}

void SoakConnection::endRequest(quint16 id, const Record &record, qint64 now)
{
    Slot &slot = m_slots[id - 1];
    SoakCounters &c = m_shared->counters;
    m_shared->latency.record(now - slot.startNs);
    QString why;
    bool right = false;
    if (record.content.size() < kEndRequestBodyLength) {
        ++c.protocolErrors;
        why = QStringLiteral("short END_REQUEST");
    } else if (quint8(record.content.at(4)) != quint8(ProtocolStatus::RequestComplete)) {
        ++c.rejected;
        why = QStringLiteral("protocol status %1").arg(quint8(record.content.at(4)));
    } else if (!slot.abortSent && !slot.stdoutEnded) {
        ++c.protocolErrors;
        why = QStringLiteral("END_REQUEST before the end of STDOUT");
    } else {
        const Verdict verdict = judge(slot);
        right = verdict == Verdict::Ok;
        if (verdict == Verdict::WrongStatus)
            ++c.wrongStatus;
        else if (!right)
            ++c.wrongBody;
        why = verdictText(verdict);
    }
    const size_t kind = size_t(slot.request.kind);
    if (right) {
        ++c.answered[kind];
    } else {
        ++c.wrong[kind];
        problem(&slot, id, why);
    }
    slot.active = false;
    --m_active;
    if (m_shared->mayIssue())
        issue(id, now);
}

void SoakConnection::issue(quint16 id, qint64 now)
{
    SoakMix &mix = *m_shared->mix;
    SoakKind kind = mix.drawKind();
    while (kind == SoakKind::Disconnect) { // the options guarantee some request kind weighs > 0
        if (!m_dropAtTurnEnd) {
            m_dropAtTurnEnd = true;
            ++m_shared->counters.issued[size_t(SoakKind::Disconnect)];
        }
        kind = mix.drawKind();
    }
    Slot &slot = m_slots[id - 1];
    slot.request = mix.make(kind);
    slot.check.reset();
    slot.lines.reset();
    slot.startNs = now;
    ++slot.generation;
    slot.active = true;
    slot.abortSent = false;
    slot.stdoutEnded = false;
    ++m_active;
    if (m_shared->budget > 0)
        --m_shared->budget;
    ++m_shared->counters.issued[size_t(kind)];
    appendRequest(m_socket.out(), id, slot.request);
    if (slot.request.abortAfterMs >= 0) {
        const quint32 generation = slot.generation;
        QTimer::singleShot(slot.request.abortAfterMs, this, [this, id, generation] {
            const Slot &s = m_slots[id - 1];
            if (!s.active || s.generation != generation || s.abortSent || !m_socket.isConnected())
                return; // answered (or dropped) before the abort was due
            sendAbort(id);
            endTurn();
        });
    }
}

void SoakConnection::fill(qint64 now)
{
    for (size_t i = 0; i < m_slots.size() && m_shared->mayIssue(); ++i)
        if (!m_slots[i].active)
            issue(quint16(i + 1), now);
}

void SoakConnection::sendAbort(quint16 id)
{
    m_socket.out().append(encodeAbortRequest(id));
    m_slots[id - 1].abortSent = true;
    ++m_shared->counters.abortsSent;
}

void SoakConnection::endTurn()
{
    m_shared->counters.bytesOut += quint64(m_socket.flush());
    if (m_dropAtTurnEnd)
        dropAbruptly();
    if (m_active == 0 && !m_shared->mayIssue())
        Q_EMIT drained();
}

void SoakConnection::dropAbruptly()
{
    // What a web server does when it gives up: a reset with requests in flight, some of them
    // perhaps half sent. The server must abort them all and keep nothing.
    m_shared->counters.cut += quint64(m_active);
    m_socket.closeAbruptly();
    clearSlots();
    QTimer::singleShot(0, this, [this] {
        if (!m_socket.isOpen() && m_shared->mayIssue())
            open();
    });
}

void SoakConnection::problem(const Slot *slot, quint16 id, const QString &what)
{
    if (m_shared->problemsShown++ >= kMaxProblemLines)
        return;
    if (ProgressLine::isTerminal())
        ProgressLine::clear();
    if (slot)
        std::fprintf(stderr, "afcgi-soak: wrong answer to %s %s (request %u, %s, %lld body bytes seen): %s\n",
                     slot->request.post ? "POST" : "GET", slot->request.uri.constData(), unsigned(id),
                     soakKindName(slot->request.kind), static_cast<long long>(slot->check.bodyBytes()),
                     qPrintable(what));
    else
        std::fprintf(stderr, "afcgi-soak: %s\n", qPrintable(what));
}

} // namespace afcgi::bench
