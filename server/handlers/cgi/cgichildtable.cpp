#include "handlers/cgi/cgichildtable.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace afcgi {

struct CgiChildTable::Entry
{
    CgiChildInfo info; // the fixed part; the rest below
    QElapsedTimer age;
    std::atomic<qint64> bytesIn{0};
    std::atomic<qint64> bytesOut{0};
    std::atomic<bool> finishing{false};
};

CgiChildTable::EntryPtr CgiChildTable::add(qint64 pid, const QString &program, const QString &mount,
                                           quint64 connectionId, quint16 requestId)
{
    auto entry = std::make_shared<Entry>();
    entry->info.pid = pid;
    entry->info.program = program;
    entry->info.mount = mount;
    entry->info.connectionId = connectionId;
    entry->info.requestId = requestId;
    entry->info.startedMs = QDateTime::currentMSecsSinceEpoch();
    entry->age.start();
    QMutexLocker lock(&m_mutex);
    m_entries.append(entry);
    return entry;
}

void CgiChildTable::remove(const EntryPtr &entry)
{
    QMutexLocker lock(&m_mutex);
    m_entries.removeOne(entry);
}

void CgiChildTable::addBytesIn(Entry &entry, qint64 bytes)
{
    entry.bytesIn.fetch_add(bytes, std::memory_order_relaxed);
}

void CgiChildTable::addBytesOut(Entry &entry, qint64 bytes)
{
    entry.bytesOut.fetch_add(bytes, std::memory_order_relaxed);
}

void CgiChildTable::setFinishing(Entry &entry)
{
    entry.finishing.store(true, std::memory_order_relaxed);
}

QList<CgiChildInfo> CgiChildTable::children() const
{
    QMutexLocker lock(&m_mutex);
    QList<CgiChildInfo> list;
    list.reserve(m_entries.size());
    for (const EntryPtr &entry : m_entries) {
        CgiChildInfo info = entry->info;
        info.ageMs = entry->age.elapsed();
        info.bytesIn = entry->bytesIn.load(std::memory_order_relaxed);
        info.bytesOut = entry->bytesOut.load(std::memory_order_relaxed);
        info.finishing = entry->finishing.load(std::memory_order_relaxed);
        list.append(info);
    }
    return list;
}

int CgiChildTable::count() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_entries.size());
}

void CgiChildTable::count(Counter counter)
{
    m_counters[int(counter)].fetch_add(1, std::memory_order_relaxed);
}

CgiTotals CgiChildTable::totals() const
{
    const auto get = [this](Counter c) { return m_counters[int(c)].load(std::memory_order_relaxed); };
    CgiTotals t;
    t.started = get(Counter::Started);
    t.startFailures = get(Counter::StartFailures);
    t.rejected = get(Counter::Rejected);
    t.timedOut = get(Counter::TimedOut);
    t.terminated = get(Counter::Terminated);
    t.badHeaders = get(Counter::BadHeaders);
    t.killedBySignal = get(Counter::KilledBySignal);
    return t;
}

} // namespace afcgi
