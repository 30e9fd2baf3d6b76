#include "peercredentials.h"

#include <QLocalSocket>

#include <windows.h>

namespace afcgi::monitor {

namespace {

// The user SID of a process's access token, as bytes; empty when it cannot be read.
QByteArray tokenUser(HANDLE process)
{
    HANDLE token = nullptr;
    if (!OpenProcessToken(process, TOKEN_QUERY, &token))
        return {};
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    QByteArray sid;
    QByteArray buffer(int(size), 0);
    if (size > 0 && GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
        const auto *user = reinterpret_cast<const TOKEN_USER *>(buffer.constData());
        sid = QByteArray(static_cast<const char *>(user->User.Sid), int(GetLengthSid(user->User.Sid)));
    }
    CloseHandle(token);
    return sid;
}

} // namespace

PeerCredentials peerCredentials(const QLocalSocket &socket, PeerRole role)
{
    PeerCredentials peer;
    HANDLE pipe = reinterpret_cast<HANDLE>(socket.socketDescriptor());
    ULONG pid = 0;
    const BOOL told = role == PeerRole::Server ? GetNamedPipeServerProcessId(pipe, &pid)
                                               : GetNamedPipeClientProcessId(pipe, &pid);
    if (!told)
        return peer;
    peer.pid = qint64(pid);
    // Another user's process (or an elevated one) may not let us read its token: unknown.
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    if (!process)
        return peer;
    const QByteArray theirs = tokenUser(process);
    CloseHandle(process);
    const QByteArray ours = tokenUser(GetCurrentProcess());
    if (theirs.isEmpty() || ours.isEmpty())
        return peer;
    peer.known = true;
    peer.sameUser = theirs == ours;
    peer.user = peer.sameUser ? QStringLiteral("this user") : QStringLiteral("another user");
    return peer;
}

QString currentUserDescription()
{
    return QStringLiteral("this user");
}

qint64 userIdOf(const QString &)
{
    return -1;
}

} // namespace afcgi::monitor
