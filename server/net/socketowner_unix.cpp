#include "net/socketowner.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace afcgi {

namespace {

// A numeric id, or the id of the named user or group; -1 when there is none.
template <typename Entry, typename Lookup, typename IdOf>
long resolveId(const QString &nameOrId, Lookup lookup, IdOf idOf)
{
    bool numeric = false;
    const long id = nameOrId.toLong(&numeric);
    if (numeric)
        return id >= 0 ? id : -1;
    Entry entry;
    Entry *found = nullptr;
    std::vector<char> buffer(16384);
    if (lookup(nameOrId.toLocal8Bit().constData(), &entry, buffer.data(), buffer.size(), &found) != 0
        || !found)
        return -1;
    return long(idOf(*found));
}

} // namespace

bool setSocketOwner(const QString &path, const QString &owner, const QString &group, QString *error)
{
    if (owner.isEmpty() && group.isEmpty())
        return true;
    uid_t uid = uid_t(-1); // -1 leaves that id unchanged
    gid_t gid = gid_t(-1);
    if (!owner.isEmpty()) {
        const long id = resolveId<passwd>(owner, getpwnam_r, [](const passwd &p) { return p.pw_uid; });
        if (id < 0) {
            *error = QStringLiteral("--socket-owner: no user '%1'").arg(owner);
            return false;
        }
        uid = uid_t(id);
    }
    if (!group.isEmpty()) {
        const long id = resolveId<struct group>(group, getgrnam_r, [](const struct group &g) { return g.gr_gid; });
        if (id < 0) {
            *error = QStringLiteral("--socket-group: no group '%1'").arg(group);
            return false;
        }
        gid = gid_t(id);
    }
    if (::chown(QFile::encodeName(path).constData(), uid, gid) != 0) {
        *error = QStringLiteral("cannot give %1 to %2:%3: %4")
                     .arg(path, owner.isEmpty() ? QStringLiteral("-") : owner,
                          group.isEmpty() ? QStringLiteral("-") : group,
                          QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return true;
}

QLocalServer::SocketOptions localServerAccess(int)
{
    return QLocalServer::NoOptions;
}

int localListenBacklog(int wanted)
{
    return wanted;
}

bool setSocketMode(const QString &path, int mode, QString *error)
{
    if (::chmod(QFile::encodeName(path).constData(), mode_t(mode & 0777)) == 0)
        return true;
    *error = QStringLiteral("cannot set mode %1 on %2: %3")
                 .arg(mode, 4, 8, QLatin1Char('0'))
                 .arg(path, QString::fromLocal8Bit(std::strerror(errno)));
    return false;
}

CreationModeScope::CreationModeScope(int mode)
    : m_previousMask(int(::umask(mode_t(~mode & 0777))))
{
}

CreationModeScope::~CreationModeScope()
{
    ::umask(mode_t(m_previousMask));
}

} // namespace afcgi
