#pragma once
// Who is on the other end of a connected local socket, as the kernel tells it: SO_PEERCRED on
// Linux (uid and pid), getpeereid() elsewhere on Unix (uid; the pid where LOCAL_PEERPID exists);
// on Windows the process at the other end of the named pipe (GetNamedPipeClientProcessId /
// GetNamedPipeServerProcessId) and its token's user, compared with this process's (there is no
// uid, and no "root": only the same user passes).

#include <QString>

QT_BEGIN_NAMESPACE
class QLocalSocket;
QT_END_NAMESPACE

namespace afcgi::monitor {

struct PeerCredentials
{
    bool known = false;     // the platform told who it is; unknown peers are refused
    qint64 pid = -1;        // -1 when not told
    qint64 uid = -1;        // Unix user id; -1 on Windows
    QString user;           // "uid 1000 (alice)", for messages
    bool sameUser = false;  // the same (effective) user as this process
    bool superUser = false; // root (Unix only)

    QString describe() const; // "uid 1000 (alice), pid 4711"
};

enum class PeerRole { Client, Server };

// The credentials of the process on the other end of `socket`: its client (`PeerRole::Client`,
// on a socket this process accepted) or its server (`PeerRole::Server`, on one it connected).
PeerCredentials peerCredentials(const QLocalSocket &socket, PeerRole role);

// This process's effective user, as describe() shows a peer's: "uid 0 (root)".
QString currentUserDescription();

#ifdef Q_OS_UNIX
// A Unix user as describe() shows one: "uid 1000 (alice)", or "uid 1000" without a name.
QString userDescription(qint64 uid);
#endif

// A user named on a command line (a name or a numeric id) as a uid; -1 when there is none
// (and always on Windows).
qint64 userIdOf(const QString &nameOrId);

} // namespace afcgi::monitor
