#pragma once

#include "handlers/hub/hubmessage.h"

#include <QList>

#include <deque>
#include <optional>

namespace afcgi {

// Why a subscriber that asked to resume gets a "reset" event instead of exactly what it missed.
enum class ResetReason {
    None,
    OutOfHistory, // its id is older than the oldest message kept (count, bytes or age limit)
    OtherEpoch,   // its id belongs to another life of the channel (a restart, a recreation)
    Unknown,      // its id is ahead of the channel: never issued here
    Slow,         // (not from the history) the subscriber fell too far behind and is closed
    Backend,      // (not from the history) the shared store was unreachable: messages may be lost
};
const char *toString(ResetReason reason); // "history", "epoch", "unknown-id", "slow", "backend"

// One channel's bounded history and the resume rule, pure: no locks, no clock of its own.
// Sequences are contiguous, so "what follows id X" is a position, found in O(1).
class ChannelHistory
{
public:
    struct Limits
    {
        int count = 100;
        qint64 bytes = 1024 * 1024;
        qint64 ageMs = 3600 * 1000; // 0 = no age limit
    };
    struct Resume
    {
        ResetReason reset = ResetReason::None;
        QList<HubMessage> messages; // to send, oldest first (empty after a reset)
    };

    ChannelHistory(quint64 epoch, Limits limits) : m_epoch(epoch), m_limits(limits) {}

    quint64 epoch() const { return m_epoch; }
    // The id of the last message, or epoch:0 before the first.
    EventId lastId() const { return {m_epoch, m_lastSequence}; }
    // The id the next append() must carry.
    EventId nextId() const { return {m_epoch, m_lastSequence + 1}; }
    int count() const { return int(m_messages.size()); }
    qint64 bytes() const { return m_bytes; }

    // Appends `message` (its id must be nextId(), or any later id of this epoch when a shared
    // store numbers the messages: then the history restarts at it), then drops what the limits
    // no longer allow. Returns the bytes dropped (a negative change of bytes()).
    qint64 append(const HubMessage &message, qint64 nowMs);
    // Starts over: another epoch or a gap that cannot be filled. Everything kept is dropped (its
    // bytes returned), the next message must follow `lastSequence`.
    qint64 restart(quint64 epoch, quint64 lastSequence);
    // Drops messages older than the age limit; returns the bytes dropped.
    qint64 expire(qint64 nowMs);
    // What a subscriber that last saw `last` must get (no id: nothing, it starts from now).
    // Always consistent with lastId(): after the replay, the subscriber is at lastId().
    Resume resume(std::optional<EventId> last, qint64 nowMs) const;
    // Everything kept, oldest first.
    QList<HubMessage> messages() const { return {m_messages.begin(), m_messages.end()}; }

private:
    qint64 trim(qint64 nowMs);

    quint64 m_epoch;
    Limits m_limits;
    quint64 m_lastSequence = 0;
    std::deque<HubMessage> m_messages;
    qint64 m_bytes = 0;
};

} // namespace afcgi
