#include "handlers/hub/channelhistory.h"

namespace afcgi {

const char *toString(ResetReason reason)
{
    switch (reason) {
    case ResetReason::None: return "none";
    case ResetReason::OutOfHistory: return "history";
    case ResetReason::OtherEpoch: return "epoch";
    case ResetReason::Unknown: return "unknown-id";
    case ResetReason::Slow: return "slow";
    case ResetReason::Backend: return "backend";
    }
    return "unknown";
}

qint64 ChannelHistory::append(const HubMessage &message, qint64 nowMs)
{
    qint64 dropped = 0;
    if (message.id.sequence != m_lastSequence + 1) {
        // A gap (ids given by a shared store): what we kept no longer leads up to this one.
        dropped += m_bytes;
        m_messages.clear();
        m_bytes = 0;
    }
    m_lastSequence = message.id.sequence;
    m_messages.push_back(message);
    m_bytes += message.cost();
    return dropped + trim(nowMs);
}

qint64 ChannelHistory::restart(quint64 epoch, quint64 lastSequence)
{
    const qint64 dropped = m_bytes;
    m_messages.clear();
    m_bytes = 0;
    m_epoch = epoch;
    m_lastSequence = lastSequence;
    return dropped;
}

qint64 ChannelHistory::expire(qint64 nowMs)
{
    return trim(nowMs);
}

qint64 ChannelHistory::trim(qint64 nowMs)
{
    qint64 dropped = 0;
    const auto tooOld = [&](const HubMessage &m) {
        return m_limits.ageMs > 0 && nowMs - m.publishedMs > m_limits.ageMs;
    };
    while (!m_messages.empty()
           && (int(m_messages.size()) > m_limits.count || m_bytes > m_limits.bytes
               || tooOld(m_messages.front()))) {
        const qint64 cost = m_messages.front().cost();
        m_bytes -= cost;
        dropped += cost;
        m_messages.pop_front();
    }
    return dropped;
}

ChannelHistory::Resume ChannelHistory::resume(std::optional<EventId> last, qint64 nowMs) const
{
    Resume r;
    if (!last)
        return r;
    if (last->epoch == 0) { // never issued: the subscriber's id was not one of ours
        r.reset = ResetReason::Unknown;
        return r;
    }
    if (last->epoch != m_epoch) {
        r.reset = ResetReason::OtherEpoch;
        return r;
    }
    if (last->sequence > m_lastSequence) {
        r.reset = ResetReason::Unknown;
        return r;
    }
    if (last->sequence == m_lastSequence)
        return r; // up to date
    // Messages past the age limit count as gone even before expire() removed them.
    qsizetype first = 0;
    const auto size = qsizetype(m_messages.size());
    while (first < size && m_limits.ageMs > 0
           && nowMs - m_messages[size_t(first)].publishedMs > m_limits.ageMs)
        ++first;
    const quint64 oldestKept = first < size ? m_messages[size_t(first)].id.sequence
                                            : m_lastSequence + 1;
    if (last->sequence + 1 < oldestKept) {
        r.reset = ResetReason::OutOfHistory;
        return r;
    }
    // Sequences are contiguous: the message after `last` sits at a known offset.
    const qsizetype from = first + qsizetype(last->sequence + 1 - oldestKept);
    r.messages.reserve(size - from);
    for (qsizetype i = from; i < size; ++i)
        r.messages.append(m_messages[size_t(i)]);
    return r;
}

} // namespace afcgi
