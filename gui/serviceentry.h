#pragma once

#include <QList>
#include <QString>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace afcgi::gui {

// One service the monitor can watch: a local channel (by name or path, empty for the default
// one), or a channel on another host reached through a command (`ssh user@host`).
struct ServiceEntry
{
    QString title;         // what the sidebar shows
    QString channel;       // as MonitorClient::setSocketName() takes it
    QString via;           // empty: local
    QString remoteProgram = QStringLiteral("afcgid");

    bool isRemote() const { return !via.isEmpty(); }
    // Two entries with the same key are the same service.
    QString key() const;
    // "ssh web1 (channel default)" or the local address: the sidebar's tool tip.
    QString description() const;
};

// The remote services the user saved, kept in the settings under `services/remote`.
QList<ServiceEntry> loadSavedServices(QSettings &settings);
void saveSavedServices(QSettings &settings, const QList<ServiceEntry> &services);

} // namespace afcgi::gui
