#pragma once
// Finishes the children whose requests are gone: a request that was aborted, timed out or
// answered before its program exited hands its child here (from its worker thread); the reaper
// stops the child's process group if asked, reaps the child on its own thread, and then says so.
// What is left when the reaper is destroyed is killed and reaped there and then: no child
// outlives afcgid, none stays a zombie.

#include "handlers/cgi/childprocess.h"

#include <QList>
#include <QMutex>
#include <QObject>

#include <functional>

class QSocketNotifier;
class QTimer;

namespace afcgi {

class ChildReaper final : public QObject
{
    Q_OBJECT
public:
    enum class Finish {
        Terminate, // SIGTERM to the group now, SIGKILL after the grace (or as soon as the child
                   // itself has exited: what it left behind goes with it)
        Wait,      // nothing sent: reaped whenever it exits (it has answered already)
    };

    explicit ChildReaper(int killGraceMs, QObject *parent = nullptr);
    ~ChildReaper() override;

    // Any thread. `onGone` runs once the child is reaped, on the reaper's thread (or in its
    // destructor).
    void adopt(ChildHandle child, Finish finish, std::function<void()> onGone);
    // Children adopted and not yet reaped.
    int pending() const;

private:
    struct Entry
    {
        quint64 id = 0;
        ChildHandle child;
        Finish finish = Finish::Wait;
        std::function<void()> onGone;
        QSocketNotifier *notifier = nullptr; // on the exit descriptor, when there is one
    };
    void takeAdopted();
    void check(quint64 id);
    void killAfterGrace(quint64 id);
    void pollAll();

    const int m_killGraceMs;
    mutable QMutex m_mutex;
    QList<Entry> m_adopted; // handed over, not yet seen by the reaper's thread
    QList<Entry> m_entries; // the reaper's thread only
    quint64 m_nextId = 1;
    QTimer *m_pollTimer; // for children without an exit descriptor
};

} // namespace afcgi
