#pragma once

#include <QObject>
#include <QTimer>

#include <map>

namespace afcgi {

class RequestPrivate;

// Request::callAfter() timers of one worker thread, kept in one ordered map behind a single
// QTimer. A pending /delay request then costs one map node (~64 bytes) instead of a Qt timer
// registration and the QObject extra data it brings (~190 bytes).
class DeadlineQueue final : public QObject
{
public:
    using Entries = std::multimap<qint64, RequestPrivate *>; // due time (monotonic ms) → request
    using Handle = Entries::iterator;

    explicit DeadlineQueue(QObject *parent = nullptr);

    Handle add(int delayMs, RequestPrivate *request);
    void remove(Handle handle);
    Handle none() { return m_entries.end(); }

private:
    void fireDue();
    void rearm();

    Entries m_entries;
    QTimer m_timer;
};

} // namespace afcgi
