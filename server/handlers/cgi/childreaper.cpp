#include "handlers/cgi/childreaper.h"

#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>

namespace afcgi {

namespace {
constexpr int kPollMs = 50; // children without an exit descriptor (no pidfd)
}

ChildReaper::ChildReaper(int killGraceMs, QObject *parent)
    : QObject(parent), m_killGraceMs(killGraceMs), m_pollTimer(new QTimer(this))
{
    m_pollTimer->setInterval(kPollMs);
    connect(m_pollTimer, &QTimer::timeout, this, &ChildReaper::pollAll);
}

ChildReaper::~ChildReaper()
{
    QMutexLocker lock(&m_mutex);
    const QList<Entry> all = m_entries + m_adopted;
    m_entries.clear();
    m_adopted.clear();
    lock.unlock();
    for (Entry entry : all) {
        delete entry.notifier;
        entry.child.killGroup();
        entry.child.reap(true);
        entry.child.closeExitFd();
        if (entry.onGone)
            entry.onGone();
    }
}

void ChildReaper::adopt(ChildHandle child, Finish finish, std::function<void()> onGone)
{
    if (finish == Finish::Terminate)
        child.terminateGroup(); // now, from the caller's thread: the reaper's may be busy
    {
        QMutexLocker lock(&m_mutex);
        Entry entry;
        entry.id = m_nextId++;
        entry.child = child;
        entry.finish = finish;
        entry.onGone = std::move(onGone);
        m_adopted.append(std::move(entry));
    }
    QMetaObject::invokeMethod(this, &ChildReaper::takeAdopted, Qt::QueuedConnection);
}

int ChildReaper::pending() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_adopted.size() + m_entries.size());
}

void ChildReaper::takeAdopted()
{
    QList<quint64> ids;
    {
        QMutexLocker lock(&m_mutex);
        for (Entry &entry : m_adopted) {
            const quint64 id = entry.id;
            if (entry.child.exitFd >= 0) {
                entry.notifier = new QSocketNotifier(entry.child.exitFd, QSocketNotifier::Read, this);
                connect(entry.notifier, &QSocketNotifier::activated, this, [this, id] { check(id); });
            } else if (!m_pollTimer->isActive()) {
                m_pollTimer->start();
            }
            if (entry.finish == Finish::Terminate)
                QTimer::singleShot(m_killGraceMs, this, [this, id] { killAfterGrace(id); });
            ids.append(id);
            m_entries.append(std::move(entry));
        }
        m_adopted.clear();
    }
    for (quint64 id : std::as_const(ids))
        check(id); // it may be gone already
}

void ChildReaper::check(quint64 id)
{
    QMutexLocker lock(&m_mutex);
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [id](const Entry &e) { return e.id == id; });
    if (it == m_entries.end())
        return;
    if (!it->child.hasExited())
        return;
    // Not reaped yet, its pid still names its group: what it left behind goes with it.
    if (it->finish == Finish::Terminate)
        it->child.killGroup();
    it->child.reap(false);
    Entry entry = std::move(*it);
    m_entries.erase(it);
    const bool anyPolled = std::any_of(m_entries.cbegin(), m_entries.cend(),
                                       [](const Entry &e) { return e.child.exitFd < 0; });
    lock.unlock();
    if (!anyPolled)
        m_pollTimer->stop();
    if (entry.notifier) {
        entry.notifier->setEnabled(false);
        entry.notifier->deleteLater(); // it may be the one emitting
    }
    entry.child.closeExitFd();
    if (entry.onGone)
        entry.onGone();
}

void ChildReaper::killAfterGrace(quint64 id)
{
    QMutexLocker lock(&m_mutex);
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.id == id)
            entry.child.killGroup();
    }
}

void ChildReaper::pollAll()
{
    QList<quint64> ids;
    {
        QMutexLocker lock(&m_mutex);
        for (const Entry &entry : std::as_const(m_entries)) {
            if (entry.child.exitFd < 0)
                ids.append(entry.id);
        }
    }
    for (quint64 id : std::as_const(ids))
        check(id);
}

} // namespace afcgi
