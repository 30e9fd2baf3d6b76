#include "channeldiscovery.h"

#include <QDir>
#include <QLocalSocket>

namespace afcgi::gui {

namespace {
// Connecting to a Unix socket answers at once: a listener accepts, a left-over file refuses.
bool answers(const QString &path)
{
    QLocalSocket probe;
    probe.connectToServer(path);
    const bool listening = probe.waitForConnected(200);
    probe.abort();
    return listening;
}
} // namespace

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
        if (answers(entry.absoluteFilePath()))
            channels.append(entry.absoluteFilePath());
    }
    return channels;
}

} // namespace afcgi::gui
