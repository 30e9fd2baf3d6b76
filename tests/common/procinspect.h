#pragma once
// What the tests of the CGI bridge look for in Linux's /proc: a process group's live members,
// the zombies a parent has not reaped, what a process is blocked on. Header-only, Linux.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <QString>

namespace fixtures {

// Fields from 3 on of /proc/<pid>/stat (after the command name, which may hold spaces):
// [0] state, [1] parent pid, [2] process group.
inline QList<QByteArray> statFields(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    const QByteArray stat = file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    const qsizetype close = stat.lastIndexOf(')');
    return close < 0 ? QList<QByteArray>() : stat.mid(close + 2).split(' ');
}

// Live processes of the process group `pgid`.
inline int groupSize(qint64 pgid)
{
    int n = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        const QList<QByteArray> f = statFields(entry.toLongLong());
        n += f.size() > 3 && f[2].toLongLong() == pgid && f[0] != "Z" && f[0] != "X";
    }
    return n;
}

// Children of `parent` that have exited and were never reaped.
inline int zombiesOf(qint64 parent)
{
    int n = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        const QList<QByteArray> f = statFields(entry.toLongLong());
        n += f.size() > 2 && f[1].toLongLong() == parent && f[0] == "Z";
    }
    return n;
}

// The kernel function `pid` sleeps in contains `what` ("pipe_read", "pipe_write").
inline bool blockedIn(qint64 pid, const char *what)
{
    QFile wchan(QStringLiteral("/proc/%1/wchan").arg(pid));
    return wchan.open(QIODevice::ReadOnly) && wchan.readAll().contains(what);
}

} // namespace fixtures
