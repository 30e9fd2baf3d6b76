#pragma once
// Platform code for unix: listeners: on Unix, socket files with their mode from the moment they
// exist, an owner and a group (chown), as PHP-FPM's listen.mode, listen.owner and listen.group
// do; on Windows, named pipes whose access list follows the mode's owner, group and other bits.

#include <QLocalServer>
#include <QString>

namespace afcgi {

// `owner` and `group` are names or numeric ids; an empty one is left as it is. False, with a
// reason, when one is unknown, the process may not change it, or the platform has no owners.
bool setSocketOwner(const QString &path, const QString &owner, const QString &group, QString *error);

// What the server itself must be told before listen() for `mode` (octal bits): on Windows the
// named pipe's access list (Qt grants the user, the primary group and Everyone as the owner,
// group and other bits ask); on Unix nothing, as CreationModeScope and setSocketMode() do it
// without Qt's bind-elsewhere-and-rename (which could replace a live socket).
QLocalServer::SocketOptions localServerAccess(int mode);

// How many connections may wait to be accepted on a unix: listener, for the `wanted` number: on
// Unix the kernel's queue; on Windows Qt creates that many pipe instances at once and polls every
// one of them on each new connection, so there it stays at Qt's default.
int localListenBacklog(int wanted);

// Sets the socket file's mode once it exists (Unix: chmod, also where the platform ignores the
// mode a socket is created with); true with nothing to do on Windows. False with a reason.
bool setSocketMode(const QString &path, int mode, QString *error);

// While it lives, the files this process creates get exactly `mode` (the umask is set to its
// complement): a socket is then never open to more users than asked, not even between bind()
// and a chmod. Only at start-up: the umask is the whole process's. No-op on Windows.
class CreationModeScope
{
public:
    explicit CreationModeScope(int mode);
    ~CreationModeScope();
    CreationModeScope(const CreationModeScope &) = delete;
    CreationModeScope &operator=(const CreationModeScope &) = delete;

private:
    [[maybe_unused]] int m_previousMask = 0; // the umask to restore (unused on Windows)
};

} // namespace afcgi
