#include "serviceentry.h"

#include "channeladdress.h"

#include <QSettings>

namespace afcgi::gui {

QString ServiceEntry::key() const
{
    // A local channel is known by its full address, so "monitor" and its path are one service.
    if (!isRemote())
        return monitor::channelAddress(channel);
    return via + QLatin1Char('\n') + channel;
}

QString ServiceEntry::description() const
{
    if (!isRemote())
        return monitor::channelAddress(channel);
    return QStringLiteral("%1 → %2 --monitor-relay %3")
        .arg(via, remoteProgram, channel.isEmpty() ? QStringLiteral("(default channel)") : channel);
}

QList<ServiceEntry> loadSavedServices(QSettings &settings)
{
    QList<ServiceEntry> services;
    const int count = settings.beginReadArray(QStringLiteral("services/remote"));
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        ServiceEntry entry;
        entry.title = settings.value(QStringLiteral("title")).toString();
        entry.channel = settings.value(QStringLiteral("channel")).toString();
        entry.via = settings.value(QStringLiteral("via")).toString();
        entry.remoteProgram = settings.value(QStringLiteral("program"), entry.remoteProgram).toString();
        if (entry.via.isEmpty())
            continue; // only remote services are saved; a hand-edited local one is skipped
        if (entry.title.isEmpty())
            entry.title = entry.via;
        services.append(entry);
    }
    settings.endArray();
    return services;
}

void saveSavedServices(QSettings &settings, const QList<ServiceEntry> &services)
{
    settings.remove(QStringLiteral("services/remote"));
    settings.beginWriteArray(QStringLiteral("services/remote"), int(services.size()));
    for (int i = 0; i < services.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("title"), services.at(i).title);
        settings.setValue(QStringLiteral("channel"), services.at(i).channel);
        settings.setValue(QStringLiteral("via"), services.at(i).via);
        settings.setValue(QStringLiteral("program"), services.at(i).remoteProgram);
    }
    settings.endArray();
}

} // namespace afcgi::gui
