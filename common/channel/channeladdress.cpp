#include "channeladdress.h"

#include "monitorprotocol.h"

#include <QDir>
#include <QFileInfo>

namespace afcgi::monitor {

#ifndef Q_OS_WIN
namespace {
constexpr auto kDefaultChannel = "monitor"; // <channel directory>/monitor

bool isPlainName(const QString &name)
{
    return !name.contains(QLatin1Char('/'));
}
} // namespace
#endif

QString defaultChannelDescription()
{
#ifdef Q_OS_WIN
    return defaultSocketName();
#else
    return QDir(userChannelDirectory()).filePath(QLatin1String(kDefaultChannel));
#endif
}

QString channelAddress(const QString &name)
{
#ifdef Q_OS_WIN
    return name.isEmpty() ? defaultSocketName() : name;
#else
    if (name.isEmpty())
        return QDir(userChannelDirectory()).filePath(QLatin1String(kDefaultChannel));
    if (isPlainName(name))
        return QDir(userChannelDirectory()).filePath(name);
    return name;
#endif
}

bool prepareChannelDirectory(const QString &address, bool create, QString *error)
{
    const QString dir = userChannelDirectory();
    if (dir.isEmpty() || QFileInfo(address).absolutePath() != QDir::cleanPath(dir))
        return true;
    return checkPrivateDirectory(dir, create, error);
}

} // namespace afcgi::monitor
