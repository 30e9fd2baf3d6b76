#pragma once

#include <QObject>

#include <vector>

namespace afcgi {

class Connection;

// The connections of one worker thread that have output to write or finished requests to delete,
// flushed by one queued call per event-loop turn. A publish to 10,000 subscribers on 10,000
// connections then costs one posted event, not 10,000 (each an allocation, a lock and a dispatch).
class FlushQueue final : public QObject
{
public:
    explicit FlushQueue(QObject *parent = nullptr) : QObject(parent) {}

    // `connection` is flushed at the end of this turn. Returns its place, for cancel().
    quint64 schedule(Connection *connection);
    // A connection that goes away before its turn leaves its place empty.
    void cancel(quint64 place) { m_pending[size_t(place - m_first)] = nullptr; }

private:
    void run();

    std::vector<Connection *> m_pending;
    quint64 m_first = 0; // the place of m_pending's first entry: places stay valid as it shrinks
    bool m_posted = false;
    bool m_running = false;
};

} // namespace afcgi
