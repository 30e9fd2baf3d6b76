#pragma once
// What a fan-out run measures: for every message, when it was published and how many
// subscribers should get it; for every delivery, how long after the publish it arrived; for
// every message, when the last of its subscribers had it ("all delivered").

#include <QList>
#include <QString>

#include <vector>

namespace afcgi::bench {

struct Percentiles
{
    double p50Ms = 0;
    double p99Ms = 0;
    double maxMs = 0;
    qsizetype count = 0;
    QString toString() const;
    static Percentiles of(std::vector<qint64> samplesNs);
};

class FanoutStats
{
public:
    // Message `n` (numbered from 0) was published at `atNs` for `expected` subscribers.
    void published(quint64 n, qint64 atNs, qint64 expected);
    // One subscriber received message `n` at `atNs`; false for an unknown or extra delivery.
    bool delivered(quint64 n, qint64 atNs);

    qint64 deliveries() const { return m_deliveries; }
    qint64 duplicates() const { return m_duplicates; }
    qint64 missing() const;              // deliveries still owed
    bool complete() const { return missing() == 0; }
    Percentiles deliveryLatency() const { return Percentiles::of(m_latencies); }
    Percentiles allDeliveredLatency() const; // per message: publish to its last delivery

private:
    struct Message
    {
        qint64 sentNs = 0;
        qint64 expected = 0;
        qint64 received = 0;
        qint64 lastNs = 0;
    };
    std::vector<Message> m_messages;
    std::vector<qint64> m_latencies;
    qint64 m_deliveries = 0;
    qint64 m_duplicates = 0;
};

} // namespace afcgi::bench
