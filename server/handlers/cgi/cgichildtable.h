#pragma once
// The CGI programs running now, for /status?full=1 and /metrics, and the bridge's totals.
// Thread-safe: each request updates its own entry's byte counts without a lock.

#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>

namespace afcgi {

struct CgiChildInfo
{
    qint64 pid = 0;
    QString program;       // as configured or named by SCRIPT_FILENAME
    QString mount;         // "/git", or "cgi-root" for a script under --cgi-root
    quint64 connectionId = 0;
    quint16 requestId = 0;
    qint64 startedMs = 0;  // since the epoch
    qint64 ageMs = 0;
    qint64 bytesIn = 0;    // request body given to its stdin
    qint64 bytesOut = 0;   // stdout read, header block included
    bool finishing = false; // its request is over; it is being terminated or awaited
};

struct CgiTotals
{
    qint64 started = 0;
    qint64 startFailures = 0;  // exec failed: 502
    qint64 rejected = 0;       // the queue was full: 503
    qint64 timedOut = 0;       // --cgi-timeout
    qint64 terminated = 0;     // process groups stopped: timeouts, aborts, shutdown
    qint64 badHeaders = 0;     // malformed or missing header block: 502
    qint64 killedBySignal = 0; // children that ended by a signal
};

class CgiChildTable
{
public:
    struct Entry;
    using EntryPtr = std::shared_ptr<Entry>;

    EntryPtr add(qint64 pid, const QString &program, const QString &mount, quint64 connectionId,
                 quint16 requestId);
    void remove(const EntryPtr &entry);
    static void addBytesIn(Entry &entry, qint64 bytes);
    static void addBytesOut(Entry &entry, qint64 bytes);
    static void setFinishing(Entry &entry);

    QList<CgiChildInfo> children() const;
    int count() const;

    enum class Counter { Started, StartFailures, Rejected, TimedOut, Terminated, BadHeaders, KilledBySignal };
    void count(Counter counter);
    CgiTotals totals() const;

private:
    mutable QMutex m_mutex;
    QList<EntryPtr> m_entries;
    std::atomic<qint64> m_counters[7] = {};
};

} // namespace afcgi
