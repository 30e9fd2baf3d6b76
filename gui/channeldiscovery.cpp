#include "channeldiscovery.h"

#include "socketprobe.h"

#include <QDir>

namespace afcgi::gui {

QStringList findLocalChannels(const QString &directory, const QSet<QString> &known)
{
    QStringList channels;
    if (directory.isEmpty())
        return channels;
    // QDir::System lists sockets (and FIFOs and devices); only sockets answer a connection.
    const QFileInfoList entries = QDir(directory).entryInfoList(QDir::System | QDir::NoDotAndDotDot,
                                                                 QDir::Name);
    for (const QFileInfo &entry : entries) {
        if (entry.isFile() || entry.isDir() || entry.isSymLink() || known.contains(entry.absoluteFilePath()))
            continue;
        if (monitor::someoneListensOn(entry.absoluteFilePath(), 200))
            channels.append(entry.absoluteFilePath());
    }
    return channels;
}

} // namespace afcgi::gui
