#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace afcgi {

// A message id, "epoch:sequence": the epoch names one life of a channel's history (it changes
// when afcgid restarts without a shared store, or when the channel is recreated), the sequence
// counts that channel's messages from 1 with no gaps. Ids of one epoch order like their sequence.
struct EventId
{
    quint64 epoch = 0;
    quint64 sequence = 0;

    QByteArray toString() const;
    // "E:S" with E and S decimal, nothing else; nullopt otherwise.
    static std::optional<EventId> parse(QByteArrayView text);
    // The ids of a multi-channel subscription, one per channel in its order, joined by ','.
    static QByteArray joinList(const QList<EventId> &ids);
    // Exactly `count` ids separated by ','; nullopt when the count or any id is wrong.
    static std::optional<QList<EventId>> parseList(QByteArrayView text, qsizetype count);

    friend bool operator==(const EventId &a, const EventId &b)
    {
        return a.epoch == b.epoch && a.sequence == b.sequence;
    }
    friend bool operator!=(const EventId &a, const EventId &b) { return !(a == b); }
};

} // namespace afcgi
