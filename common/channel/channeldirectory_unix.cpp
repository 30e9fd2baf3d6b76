#include "channeladdress.h"
#include "peercredentials.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace afcgi::monitor {

namespace {

QString lastError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// What the two ends say when the directory cannot be trusted: how to get out of it.
QString howToFix()
{
    return QStringLiteral("set XDG_RUNTIME_DIR to a directory only you can write, or name a "
                          "channel path with --monitor (afcgid) / --socket (afcgi-monitor)");
}

} // namespace

QString userChannelDirectory()
{
    // $XDG_RUNTIME_DIR only when it is ours and private: after `su` or `sudo -E` it may still
    // name the previous user's, which both ends would then refuse.
    const QByteArray runtime = qgetenv("XDG_RUNTIME_DIR");
    struct stat st{};
    if (runtime.startsWith('/') && ::stat(runtime.constData(), &st) == 0 && S_ISDIR(st.st_mode)
        && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0)
        return QDir::cleanPath(QFile::decodeName(runtime) + QStringLiteral("/afcgi"));
    return QDir::cleanPath(QDir::tempPath() + QStringLiteral("/afcgi-%1").arg(::geteuid()));
}

bool checkPrivateDirectory(const QString &dir, bool create, QString *error)
{
    const QByteArray path = QFile::encodeName(dir);
    struct stat st{};
    if (::lstat(path.constData(), &st) != 0) {
        if (errno == ENOENT && !create)
            return true; // nothing there yet: connecting fails plainly, and the peer is checked
        if (errno != ENOENT || (::mkdir(path.constData(), 0700) != 0 && errno != EEXIST)
            || ::lstat(path.constData(), &st) != 0) {
            *error = QStringLiteral("cannot create the monitor channel directory %1: %2; %3")
                         .arg(dir, lastError(), howToFix());
            return false;
        }
    }
    if (S_ISLNK(st.st_mode)) {
        *error = QStringLiteral("the monitor channel directory %1 is a symbolic link, which "
                                "someone else may have planted: remove it, or %2")
                     .arg(dir, howToFix());
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        *error = QStringLiteral("the monitor channel directory %1 is not a directory: remove it, "
                                "or %2").arg(dir, howToFix());
        return false;
    }
    if (st.st_uid != ::geteuid()) {
        *error = QStringLiteral("the monitor channel directory %1 belongs to %2, not to this "
                                "user (%3): another user created it, perhaps to impersonate "
                                "the service; remove it (as root), or %4")
                     .arg(dir, userDescription(st.st_uid), currentUserDescription(), howToFix());
        return false;
    }
    if ((st.st_mode & 077) != 0) {
        *error = QStringLiteral("the monitor channel directory %1 has mode %2, which lets other "
                                "users in: run chmod 700 %1")
                     .arg(dir, QStringLiteral("%1").arg(st.st_mode & 07777, 4, 8, QLatin1Char('0')));
        return false;
    }
    return true;
}

} // namespace afcgi::monitor
