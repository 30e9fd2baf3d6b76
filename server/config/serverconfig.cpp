#include "config/serverconfig.h"

#include "config/inisections.h"

#include "config/hubsettings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>
#include <QThread>

#include <limits>

namespace afcgi {

namespace {

struct NumericOption
{
    const char *key;
    const char *help;
    qint64 min;
    qint64 max;
};

// Every numeric key accepted both as --key VALUE and as `key = value` in the config file.
constexpr NumericOption kNumericOptions[] = {
    {"threads", "Worker threads (default: one per CPU).", 0, 1024},
    {"max-conns", "Open connections at most (default 10000).", 1, 1000000},
    {"max-requests-per-conn", "Requests in flight on one connection (default 1000).", 1, 65535},
    {"request-queue", "Requests over --max-requests-per-conn on one connection wait for a free "
     "slot, up to this many; beyond, OVERLOADED (default 0).", 0, 65535},
    {"max-params-bytes", "PARAMS bytes of one request (default 65536).", 256, qint64(1) << 30},
    {"max-body-bytes", "Body bytes of one request (default 1 GiB).", 0, qint64(1) << 50},
    // The two millisecond options land in an int.
    {"idle-timeout", "Close a connection idle this many ms; 0 = never (default 60000).", 0,
     std::numeric_limits<int>::max()},
    {"shutdown-grace", "On SIGTERM, ms to let requests finish (default 30000).", 0,
     std::numeric_limits<int>::max()},
    {"request-timeout", "End a request running longer than this many ms with 504; 0 = never "
     "(default 0: long polling is welcome).", 0, std::numeric_limits<int>::max()},
    {"record-timeout", "Close a connection whose record stays half-sent this many ms (slow "
     "senders); 0 = never (default 30000).", 0, std::numeric_limits<int>::max()},
    {"blocked-turn-ms", "Log and count a turn of a worker's event loop that runs this many ms "
     "(a handler that blocks its worker); 0 = never (default 500).", 0, std::numeric_limits<int>::max()},
};

struct CgiOption
{
    const char *key;
    const char *valueName;
    const char *help;
};

// The CGI bridge's keys (config/cgiconfig.h parses their values).
constexpr CgiOption kCgiOptions[] = {
    {"cgi-root", "DIR", "Run CGI programs that the web server names in SCRIPT_FILENAME when they "
     "resolve under DIR, as fcgiwrap does. Repeatable."},
    {"cgi-max-children", "N", "CGI programs running at once (default 32); [cgi /prefix] "
     "sections may set a lower limit of their own."},
    {"cgi-queue", "N", "Requests waiting for a CGI slot; beyond, 503 (default 256)."},
    {"cgi-timeout", "MS", "Terminate a CGI program running longer (SIGTERM, then SIGKILL); 504 "
     "when it sent nothing; 0 = never (default 0)."},
    {"cgi-env", "NAME=VALUE", "An environment variable for every CGI program. Repeatable."},
    {"cgi-stderr", "MODE", "A CGI program's stderr goes to: log (afcgid's, default), fastcgi (the "
     "web server's error log) or both."},
};

constexpr QLatin1String kAppSection("app:");

// "/notes/" → "/notes"; "/" stays. An application's prefix must be a path.
std::optional<QString> normalizedPrefix(const QString &prefix)
{
    if (!prefix.startsWith(QLatin1Char('/')))
        return std::nullopt;
    QString normalized = prefix;
    while (normalized.size() > 1 && normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    return normalized;
}

AppConfig *findApp(ServerConfig &config, const QString &prefix)
{
    for (AppConfig &app : config.apps) {
        if (app.prefix == prefix)
            return &app;
    }
    return nullptr;
}

// The [app:PREFIX] sections, read from the file itself (see config/inisections.h): each key but
// `plugin` goes to the application, a list when the value has commas.
bool readAppSections(ServerConfig &config, const QString &file, QString *error)
{
    AppConfig *app = nullptr; // the [app:...] section being read
    IniSectionReader reader;
    reader.section = [&](const QString &group, bool *wanted, QString *why) {
        app = nullptr;
        if (!group.startsWith(kAppSection))
            return true;
        const auto prefix = normalizedPrefix(group.mid(kAppSection.size()).trimmed());
        if (!prefix) {
            *why = QStringLiteral("[%1]: an application's section is named [app:/prefix]").arg(group);
            return false;
        }
        app = findApp(config, *prefix);
        if (!app) {
            config.apps.append({*prefix, QString(), QVariantMap(), false});
            app = &config.apps.last();
        }
        *wanted = true;
        return true;
    };
    reader.key = [&](const QString &name, const QString &value, int, QString *) {
        if (name == QLatin1String("plugin")) {
            // A relative path is relative to the config file, as the file's author sees it.
            app->plugin = QDir::cleanPath(QFileInfo(file).absoluteDir().absoluteFilePath(value));
            return true;
        }
        if (value.contains(QLatin1Char(','))) {
            QStringList items = value.split(QLatin1Char(','));
            for (QString &item : items)
                item = item.trimmed();
            app->settings.insert(name, items);
        } else {
            app->settings.insert(name, value);
        }
        return true;
    };
    return readIniSections(file, reader, error);
}

} // namespace

int ServerConfig::effectiveThreads() const
{
    return threads > 0 ? threads : qMax(1, QThread::idealThreadCount());
}

ServerConfigParser::ServerConfigParser() : m_parser(new QCommandLineParser)
{
    m_parser->setApplicationDescription(
        QStringLiteral("afcgid: asynchronous, multiplexing FastCGI application server."));
    m_parser->addOption({QStringList{QStringLiteral("l"), QStringLiteral("listen")},
                         QStringLiteral("Listen on ADDR: host:port, [v6]:port, unix:/path or fd:N. "
                                        "Repeatable. Default 127.0.0.1:9000 (fd 0 when it is an "
                                        "inherited listening socket)."),
                         QStringLiteral("ADDR")});
    m_parser->addOption({QStringLiteral("allow"),
                         QStringLiteral("Accept TCP connections only from these addresses or "
                                        "subnets (comma-separated, repeatable; adds to "
                                        "FCGI_WEB_SERVER_ADDRS)."),
                         QStringLiteral("ADDRS")});
    m_parser->addOption({QStringLiteral("socket-mode"),
                         QStringLiteral("File mode of unix: listening sockets, in octal (default "
                                        "0666: web servers often run as another user)."),
                         QStringLiteral("MODE")});
    m_parser->addOption({QStringLiteral("socket-owner"),
                         QStringLiteral("Owner of unix: listening sockets (a user name or uid; "
                                        "changing it needs root)."),
                         QStringLiteral("USER")});
    m_parser->addOption({QStringLiteral("socket-group"),
                         QStringLiteral("Group of unix: listening sockets (a group name or gid), "
                                        "e.g. www-data with --socket-mode 0660."),
                         QStringLiteral("GROUP")});
    m_parser->addOption({QStringLiteral("config"), QStringLiteral("INI file with the same keys."),
                         QStringLiteral("FILE")});
    m_parser->addOption({QStringLiteral("monitor"),
                         QStringLiteral("Monitor channel: a name (in a directory only this user "
                                        "can write: $XDG_RUNTIME_DIR/afcgi, else <temp>/afcgi-<uid>; "
                                        "a named pipe on Windows), an absolute socket path, or "
                                        "'none'. Default: monitor in that directory."),
                         QStringLiteral("NAME")});
    m_parser->addOption({QStringLiteral("monitor-relay"),
                         QStringLiteral("--monitor-relay [NAME]: relay the monitor channel NAME (or "
                                        "the default) over stdin and stdout, and nothing else: what "
                                        "afcgi-monitor --via 'ssh user@host' runs on the host.")});
    m_parser->addOption({QStringLiteral("monitor-admin"),
                         QStringLiteral("on (default): monitors may act on the service (reload, "
                                        "drain, abort a request, ...); off: the monitor channel is "
                                        "read-only."),
                         QStringLiteral("on|off")});
    m_parser->addOption({QStringLiteral("log-file"),
                         QStringLiteral("Append the log to FILE instead of stderr; SIGHUP reopens "
                                        "it (after logrotate)."),
                         QStringLiteral("FILE")});
    m_parser->addOption({QStringLiteral("log-level"),
                         QStringLiteral("debug, info, warning or error (default info)."),
                         QStringLiteral("LEVEL")});
    for (const NumericOption &option : kNumericOptions)
        m_parser->addOption({QString::fromLatin1(option.key), QString::fromLatin1(option.help),
                             QStringLiteral("N")});
    m_parser->addOption({QStringLiteral("hub"),
                         QStringLiteral("Serve the publish/subscribe hub on /pub and /sub (its "
                                        "limits: the config file's [hub] section).")});
    m_parser->addOption({QStringLiteral("hub-redis"),
                         QStringLiteral("Share the hub's channels with other instances through "
                                        "Redis at URL (redis://host:port)."),
                         QStringLiteral("URL")});
    for (const CgiOption &option : kCgiOptions)
        m_parser->addOption({QString::fromLatin1(option.key), QString::fromLatin1(option.help),
                             QString::fromLatin1(option.valueName)});

    m_parser->addOption({QStringLiteral("app"),
                         QStringLiteral("Load the application plugin FILE and mount it on PREFIX "
                                        "(repeatable). Its settings: the config file's "
                                        "[app:PREFIX] section."),
                         QStringLiteral("PREFIX=FILE")});
    m_parser->addOption({QStringList{QStringLiteral("h"), QStringLiteral("help")},
                         QStringLiteral("Show this help.")});
    m_parser->addOption({QStringList{QStringLiteral("v"), QStringLiteral("version")},
                         QStringLiteral("Show the version.")});
}

ServerConfigParser::~ServerConfigParser()
{
    delete m_parser;
}

QString ServerConfigParser::helpText() const
{
    return m_parser->helpText();
}

std::optional<ServerConfig> ServerConfigParser::parse(const QStringList &arguments, QString *error)
{
    if (!m_parser->parse(arguments)) {
        *error = m_parser->errorText();
        return std::nullopt;
    }
    if (!m_parser->positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument '%1'").arg(m_parser->positionalArguments().first());
        return std::nullopt;
    }
    m_help = m_parser->isSet(QStringLiteral("help"));
    m_version = m_parser->isSet(QStringLiteral("version"));

    ServerConfig config;
    // The file first, so that flags override it.
    if (m_parser->isSet(QStringLiteral("config"))) {
        const QString file = m_parser->value(QStringLiteral("config"));
        if (!QFileInfo(file).isReadable()) {
            *error = QStringLiteral("cannot read config file '%1'").arg(file);
            return std::nullopt;
        }
        QSettings settings(file, QSettings::IniFormat);
        if (settings.status() != QSettings::NoError) {
            *error = QStringLiteral("config file '%1' is not valid INI").arg(file);
            return std::nullopt;
        }
        std::optional<bool> hubEnabled;
        for (const QString &key : settings.allKeys()) {
            if (CgiConfig::isSectionGroup(key.section(QLatin1Char('/'), 0, 0)))
                continue; // read below
            const QVariant value = settings.value(key);
            const QStringList values = value.typeId() == QMetaType::QStringList
                                           ? value.toStringList()
                                           : QStringList{value.toString()};
            if (key.startsWith(kAppSection))
                continue; // read below
            for (const QString &v : values) {
                if (key.startsWith(QLatin1String("hub/"))) {
                    // A [hub] section turns the hub on, unless it says "enabled = false".
                    const QString name = key.mid(4);
                    if (name == QLatin1String("enabled")) {
                        hubEnabled = QVariant(v).toBool();
                        continue;
                    }
                    hubEnabled = hubEnabled.value_or(true);
                    if (!applyHubSetting(config.hubOptions, name, v, error)) {
                        *error = QStringLiteral("%1: %2").arg(file, *error);
                        return std::nullopt;
                    }
                    continue;
                }
                if (!apply(config, key.section(QLatin1Char('/'), -1), v, error)) {
                    *error = QStringLiteral("%1: %2").arg(file, *error);
                    return std::nullopt;
                }
                config.origins.insert(key.section(QLatin1Char('/'), -1),
                                      QStringLiteral("config file %1").arg(file));
            }
        }
        config.hub = hubEnabled.value_or(false);
        if (!config.cgi.readSections(file, error) || !readAppSections(config, file, error)) {
            *error = QStringLiteral("%1: %2").arg(file, *error);
            return std::nullopt;
        }
        for (const CgiMount &mount : std::as_const(config.cgi.mounts))
            config.origins.insert(cgiMountKey(mount.prefix), QStringLiteral("config file %1").arg(file));
        for (const AppConfig &app : std::as_const(config.apps))
            config.origins.insert(appKey(app.prefix), QStringLiteral("config file %1").arg(file));
        if (hubEnabled)
            config.origins.insert(QStringLiteral("hub"), QStringLiteral("config file %1").arg(file));
    }
    const QString commandLine = QStringLiteral("command line");
    for (const QString &value : m_parser->values(QStringLiteral("allow"))) {
        if (!apply(config, QStringLiteral("allow"), value, error))
            return std::nullopt;
        config.origins.insert(QStringLiteral("allow"), commandLine);
    }
    const QStringList listen = m_parser->values(QStringLiteral("listen"));
    if (!listen.isEmpty())
        config.listen.clear();
    for (const QString &value : listen) {
        if (!apply(config, QStringLiteral("listen"), value, error))
            return std::nullopt;
        config.origins.insert(QStringLiteral("listen"), commandLine);
    }
    QStringList appPrefixes;
    for (const QString &value : m_parser->values(QStringLiteral("app"))) {
        if (!applyApp(config, value, &appPrefixes, error))
            return std::nullopt;
    }
    for (const AppConfig &app : std::as_const(config.apps)) {
        if (app.plugin.isEmpty()) {
            *error = QStringLiteral("[app:%1]: no plugin file (plugin = /path/to/libapp.so, or "
                                    "--app %1=FILE)").arg(app.prefix);
            return std::nullopt;
        }
    }
    if (m_parser->isSet(QStringLiteral("hub")) || m_parser->isSet(QStringLiteral("hub-redis"))) {
        config.hub = true;
        config.origins.insert(QStringLiteral("hub"), commandLine);
    }
    if (m_parser->isSet(QStringLiteral("hub-redis"))) {
        config.hub = true;
        if (!applyHubSetting(config.hubOptions, QStringLiteral("redis"),
                             m_parser->value(QStringLiteral("hub-redis")), error))
            return std::nullopt;
    }
    QStringList keys{QStringLiteral("log-level"), QStringLiteral("log-file"), QStringLiteral("monitor"),
                     QStringLiteral("monitor-admin"),
                     QStringLiteral("socket-mode"), QStringLiteral("socket-owner"),
                     QStringLiteral("socket-group")};
    for (const NumericOption &option : kNumericOptions)
        keys.append(QString::fromLatin1(option.key));
    for (const QString &key : keys) {
        if (!m_parser->isSet(key))
            continue;
        if (!apply(config, key, m_parser->value(key), error))
            return std::nullopt;
        config.origins.insert(key, commandLine);
    }
    if (m_parser->isSet(QStringLiteral("cgi-root")))
        config.cgi.roots.clear(); // the command line's roots replace the file's
    for (const CgiOption &option : kCgiOptions) {
        const QString key = QString::fromLatin1(option.key);
        for (const QString &value : m_parser->values(key)) {
            if (!config.cgi.apply(key, value, error))
                return std::nullopt;
            config.origins.insert(key, commandLine);
        }
    }
    if (!config.cgi.validate(error))
        return std::nullopt;
    return config;
}

// --app PREFIX=FILE. A prefix the config file has a section for takes the section's settings
// (and FILE instead of its `plugin`); the same prefix twice on the command line is an error.
bool ServerConfigParser::applyApp(ServerConfig &config, const QString &spec,
                                  QStringList *commandLinePrefixes, QString *error)
{
    const qsizetype equals = spec.indexOf(QLatin1Char('='));
    const auto prefix = normalizedPrefix(spec.left(equals));
    const QString file = equals < 0 ? QString() : spec.mid(equals + 1).trimmed();
    if (equals < 0 || !prefix || file.isEmpty()) {
        *error = QStringLiteral("--app %1: expected PREFIX=FILE, e.g. /notes=/usr/lib/afcgi/libnotes.so")
                     .arg(spec);
        return false;
    }
    if (commandLinePrefixes->contains(*prefix)) {
        *error = QStringLiteral("--app %1: %2 is given twice").arg(spec, *prefix);
        return false;
    }
    commandLinePrefixes->append(*prefix);
    AppConfig *app = findApp(config, *prefix);
    if (!app) {
        config.apps.append({*prefix, QString(), QVariantMap(), false});
        app = &config.apps.last();
    }
    app->plugin = QDir::cleanPath(QFileInfo(file).absoluteFilePath());
    app->fromCommandLine = true;
    config.origins.insert(appKey(*prefix), QStringLiteral("command line"));
    return true;
}

QString cgiMountKey(const QString &prefix)
{
    return QStringLiteral("cgi ") + prefix;
}

QString appKey(const QString &prefix)
{
    return QStringLiteral("app:") + prefix;
}

bool ServerConfigParser::apply(ServerConfig &config, const QString &key, const QString &value,
                               QString *error)
{
    if (key == QLatin1String("listen")) {
        // An INI value may list several addresses separated by commas or spaces.
        for (const QString &part : value.split(QRegularExpression(QStringLiteral("[,\\s]+")),
                                               Qt::SkipEmptyParts)) {
            QString why;
            const auto address = ListenAddress::parse(part, &why);
            if (!address) {
                *error = QStringLiteral("--listen %1: %2").arg(part, why);
                return false;
            }
            config.listen.append(*address);
        }
        return true;
    }
    if (key.startsWith(QLatin1String("cgi-")))
        return config.cgi.apply(key, value, error);
    if (key == QLatin1String("allow")) {
        QString why;
        const auto list = AccessList::parse(value, &why);
        if (!list) {
            *error = QStringLiteral("--allow: %1").arg(why);
            return false;
        }
        config.allow.add(*list);
        return true;
    }
    if (key == QLatin1String("socket-mode")) {
        bool ok = false;
        const int mode = value.trimmed().toInt(&ok, 8);
        if (!ok || mode < 0 || mode > 0777) {
            *error = QStringLiteral("--socket-mode: expected an octal mode such as 0660, got '%1'").arg(value);
            return false;
        }
        config.socketMode = mode;
        return true;
    }
    if (key == QLatin1String("socket-owner")) {
        config.socketOwner = value.trimmed();
        return true;
    }
    if (key == QLatin1String("socket-group")) {
        config.socketGroup = value.trimmed();
        return true;
    }
    if (key == QLatin1String("log-file")) {
        config.logFile = value.trimmed();
        return true;
    }
    if (key == QLatin1String("monitor")) {
        if (value.trimmed().isEmpty()) {
            *error = QStringLiteral("--monitor: expected a name, a path or 'none'");
            return false;
        }
        config.monitor = value.trimmed();
        return true;
    }
    if (key == QLatin1String("monitor-admin")) {
        const QString v = value.trimmed().toLower();
        if (v == QLatin1String("on") || v == QLatin1String("true") || v == QLatin1String("yes") || v == QLatin1String("1"))
            config.monitorAdmin = true;
        else if (v == QLatin1String("off") || v == QLatin1String("false") || v == QLatin1String("no") || v == QLatin1String("0"))
            config.monitorAdmin = false;
        else {
            *error = QStringLiteral("--monitor-admin: expected on or off, got '%1'").arg(value);
            return false;
        }
        return true;
    }
    if (key == QLatin1String("log-level")) {
        static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"),
                                        QStringLiteral("warning"), QStringLiteral("error")};
        if (!levels.contains(value.toLower())) {
            *error = QStringLiteral("--log-level: expected one of %1, got '%2'")
                         .arg(levels.join(QStringLiteral(", ")), value);
            return false;
        }
        config.logLevel = value.toLower();
        return true;
    }
    for (const NumericOption &option : kNumericOptions) {
        if (key != QLatin1String(option.key))
            continue;
        bool ok = false;
        const qint64 n = value.trimmed().toLongLong(&ok);
        if (!ok || n < option.min || n > option.max) {
            *error = QStringLiteral("--%1: expected a whole number from %2 to %3, got '%4'")
                         .arg(key).arg(option.min).arg(option.max).arg(value);
            return false;
        }
        if (key == QLatin1String("threads")) config.threads = int(n);
        else if (key == QLatin1String("max-conns")) config.maxConns = int(n);
        else if (key == QLatin1String("max-requests-per-conn")) config.maxRequestsPerConn = int(n);
        else if (key == QLatin1String("request-queue")) config.requestQueue = int(n);
        else if (key == QLatin1String("max-params-bytes")) config.maxParamsBytes = n;
        else if (key == QLatin1String("max-body-bytes")) config.maxBodyBytes = n;
        else if (key == QLatin1String("idle-timeout")) config.idleTimeoutMs = int(n);
        else if (key == QLatin1String("shutdown-grace")) config.shutdownGraceMs = int(n);
        else if (key == QLatin1String("request-timeout")) config.requestTimeoutMs = int(n);
        else if (key == QLatin1String("record-timeout")) config.recordTimeoutMs = int(n);
        else if (key == QLatin1String("blocked-turn-ms")) config.blockedTurnMs = int(n);
        return true;
    }
    *error = QStringLiteral("unknown setting '%1'").arg(key);
    return false;
}

} // namespace afcgi
