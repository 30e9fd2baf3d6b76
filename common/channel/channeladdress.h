#pragma once
// Where a monitor channel is. The default channel and every plain name live in a per-user
// directory that nobody else can write, so no other user can create the socket first (squat it)
// and be taken for the service:
//  - Linux and other Unix: $XDG_RUNTIME_DIR/afcgi/ when $XDG_RUNTIME_DIR is this user's and
//    private (systemd's /run/user/<uid>, mode 0700), else <temp>/afcgi-<uid>/; the service
//    creates the directory with mode 0700, and both ends check its owner and mode before use;
//  - Windows: a named pipe (a plain name as it is, the default afcgi-monitor-<user>), whose
//    access list Qt restricts to this user; both ends check the process on the other end.
// A name with a directory in it (an absolute path) is taken as it is: whoever names one chose
// its directory, and the peer check (peercredentials.h) still applies.

#include <QString>

namespace afcgi::monitor {

// The default channel's name as help texts show it ("$XDG_RUNTIME_DIR/afcgi/monitor").
QString defaultChannelDescription();

// The full address of a channel: an empty `name` is the default channel, a plain name lives
// in the per-user channel directory (Unix) or is a pipe name (Windows), a path is itself.
QString channelAddress(const QString &name);

// The per-user channel directory (Unix); empty on Windows, where channels are named pipes.
QString userChannelDirectory();

// True when `address` lies in the per-user channel directory, which must then be this user's
// alone: `create` (the service) makes it with mode 0700 when it is missing; the monitor only
// checks it. Other addresses pass as they are. False with why and how to fix it.
bool prepareChannelDirectory(const QString &address, bool create, QString *error);

// Platform part: `dir` exists (or is created, mode 0700, when `create`), is a directory and
// not a link to one, belongs to this process's effective user and grants nothing to group and
// others. False with why and how to fix it. True with nothing to do on Windows.
bool checkPrivateDirectory(const QString &dir, bool create, QString *error);

} // namespace afcgi::monitor
