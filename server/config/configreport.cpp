#include "config/configreport.h"

namespace afcgi {

namespace {

const char *const kLiveSettings[] = {
    "max-conns", "max-requests-per-conn", "request-queue", "max-params-bytes", "max-body-bytes",
    "idle-timeout", "shutdown-grace", "request-timeout", "record-timeout", "blocked-turn-ms",
};

QString onOff(bool on)
{
    return on ? QStringLiteral("on") : QStringLiteral("off");
}

QList<QPair<QString, QString>> values(const ServerConfig &c)
{
    QStringList listen;
    for (const ListenAddress &address : c.listen)
        listen.append(address.toString());
    const auto number = [](qint64 n) { return QString::number(n); };
    return {
        {QStringLiteral("listen"), listen.join(QLatin1Char(','))},
        {QStringLiteral("allow"), c.allow.toString()},
        {QStringLiteral("socket-mode"), QStringLiteral("%1").arg(c.socketMode < 0 ? 0666 : c.socketMode, 4, 8, QLatin1Char('0'))},
        {QStringLiteral("socket-owner"), c.socketOwner},
        {QStringLiteral("socket-group"), c.socketGroup},
        {QStringLiteral("threads"), number(c.effectiveThreads())},
        {QStringLiteral("log-level"), c.logLevel},
        {QStringLiteral("log-file"), c.logFile},
        {QStringLiteral("monitor"), c.monitor},
        {QStringLiteral("monitor-admin"), onOff(c.monitorAdmin)},
        {QStringLiteral("max-conns"), number(c.maxConns)},
        {QStringLiteral("max-requests-per-conn"), number(c.maxRequestsPerConn)},
        {QStringLiteral("request-queue"), number(c.requestQueue)},
        {QStringLiteral("max-params-bytes"), number(c.maxParamsBytes)},
        {QStringLiteral("max-body-bytes"), number(c.maxBodyBytes)},
        {QStringLiteral("idle-timeout"), number(c.idleTimeoutMs)},
        {QStringLiteral("shutdown-grace"), number(c.shutdownGraceMs)},
        {QStringLiteral("request-timeout"), number(c.requestTimeoutMs)},
        {QStringLiteral("record-timeout"), number(c.recordTimeoutMs)},
        {QStringLiteral("blocked-turn-ms"), number(c.blockedTurnMs)},
        {QStringLiteral("hub"), onOff(c.hub)},
    };
}

// What the CGI bridge and the applications were given: listed by the `config` command, but not
// compared by changedSettings() (a reload does not change them).
QList<QPair<QString, QString>> mountsAndBridge(const ServerConfig &c)
{
    const CgiConfig &cgi = c.cgi;
    QStringList environment; // the names only: values may be credentials
    for (const auto &[name, value] : cgi.environment)
        environment.append(QString::fromLatin1(name));
    const char *const stderrModes[] = {"log", "fastcgi", "both"};
    QList<QPair<QString, QString>> list{
        {QStringLiteral("cgi-root"), cgi.roots.join(QLatin1Char(','))},
        {QStringLiteral("cgi-max-children"), QString::number(cgi.maxChildren)},
        {QStringLiteral("cgi-queue"), QString::number(cgi.queue)},
        {QStringLiteral("cgi-timeout"), QString::number(cgi.timeoutMs)},
        {QStringLiteral("cgi-stderr"), QLatin1String(stderrModes[int(cgi.stderrMode)])},
        {QStringLiteral("cgi-env"), environment.join(QLatin1Char(','))},
    };
    for (const CgiMount &mount : cgi.mounts)
        list.append({cgiMountKey(mount.prefix), mount.program});
    for (const AppConfig &app : c.apps)
        list.append({appKey(app.prefix), app.plugin});
    return list;
}

} // namespace

bool isLiveSetting(const QString &key)
{
    for (const char *live : kLiveSettings) {
        if (key == QLatin1String(live))
            return true;
    }
    return false;
}

QList<monitor::Setting> describeConfig(const ServerConfig &config)
{
    QList<monitor::Setting> settings;
    for (const auto &[key, value] : values(config) + mountsAndBridge(config)) {
        monitor::Setting setting;
        setting.key = key;
        setting.value = value;
        setting.origin = config.origins.value(key, QStringLiteral("default"));
        setting.live = isLiveSetting(key);
        settings.append(setting);
    }
    return settings;
}

QStringList changedSettings(const ServerConfig &before, const ServerConfig &after)
{
    const QList<QPair<QString, QString>> old = values(before);
    const QList<QPair<QString, QString>> now = values(after);
    QStringList changes;
    for (qsizetype i = 0; i < old.size(); ++i) {
        if (old.at(i).second != now.at(i).second)
            changes.append(QStringLiteral("%1 %2 → %3").arg(old.at(i).first, old.at(i).second, now.at(i).second));
    }
    return changes;
}

} // namespace afcgi
