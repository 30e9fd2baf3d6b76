#pragma once

#include "config/accesslist.h"
#include "config/cgiconfig.h"
#include "config/listenaddress.h"

#include <afcgi/hub.h>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

class QCommandLineParser;

namespace afcgi {

// An application loaded as a plugin: `--app PREFIX=FILE`, or a config file section
// [app:PREFIX] with `plugin = FILE` and the application's own keys.
struct AppConfig
{
    QString prefix;       // where it is mounted; no trailing '/' (except "/")
    QString plugin;       // the plugin file, an absolute path
    QVariantMap settings; // the section's other keys, passed to the plugin
    bool fromCommandLine = false; // the plugin file came from --app (else from `plugin =`)
};

// Everything afcgid can be told, from flags or an INI file with the same keys.
struct ServerConfig
{
    QList<ListenAddress> listen;
    AccessList allow;                                // TCP peers allowed; empty = all
    int socketMode = -1;                             // unix: listeners' file mode; -1 = 0666
    QString socketOwner;                             // unix: listeners' owner (name or uid); empty = ours
    QString socketGroup;                             // unix: listeners' group (name or gid); empty = ours
    int threads = 0;                                 // 0 = one per CPU
    QString logLevel = QStringLiteral("info");
    QString logFile;                                 // empty = stderr; reopened on SIGHUP
    QString monitor;                                 // monitor socket name; empty = per-user default, "none" = off
    bool monitorAdmin = true;                        // --monitor-admin off: the channel is read-only
    int maxConns = 10000;                            // open connections across all listeners
    int maxRequestsPerConn = 1000;                   // in flight on one connection (FCGI_MAX_REQS)
    int requestQueue = 0;                            // more per connection wait for a slot
    qint64 maxParamsBytes = 64 * 1024;               // PARAMS stream of one request
    qint64 maxBodyBytes = qint64(1) << 30;           // STDIN of one request
    int idleTimeoutMs = 60000;                       // connection without requests; 0 = never
    int shutdownGraceMs = 30000;                     // drain time on SIGTERM
    int requestTimeoutMs = 0;                        // a request older than this: 504; 0 = never
    int recordTimeoutMs = 30000;                     // a record half-sent longer than this closes
    int blockedTurnMs = 500;                         // a worker's loop turn this long is a stall; 0 = off
    qint64 outputHighWaterBytes = 256 * 1024;        // per request: write() beyond this waits
    qint64 connectionOutputCapBytes = 4 * 1024 * 1024; // per connection
    qint64 bodyMemoryBytes = 1024 * 1024;            // /echo keeps this much in memory, then spools
    bool hub = false;                                // --hub or a [hub] section: publish/subscribe
    HubOptions hubOptions;
    CgiConfig cgi;                                   // the CGI bridge: --cgi-*, [cgi /prefix]
    // Where each setting came from, by key ("max-conns" → "command line"); absent = default.
    QHash<QString, QString> origins;
    QList<AppConfig> apps;                           // the config file's sections, then --app

    int effectiveThreads() const;
};

// The keys under which the effective configuration (and its origins) names a [cgi /git] mount,
// "cgi /git", and an [app:/notes] application, "app:/notes".
QString cgiMountKey(const QString &prefix);
QString appKey(const QString &prefix);

// Parses afcgid's command line (and the --config file it names). On error returns nullopt
// with a message for the user.
class ServerConfigParser
{
public:
    ServerConfigParser();
    ~ServerConfigParser();
    std::optional<ServerConfig> parse(const QStringList &arguments, QString *error);
    QString helpText() const;
    bool helpRequested() const { return m_help; }
    bool versionRequested() const { return m_version; }

    // One setting by its key, as the INI file and the command line give it (also for set-limit).
    static bool apply(ServerConfig &config, const QString &key, const QString &value, QString *error);

private:
    static bool applyApp(ServerConfig &config, const QString &spec, QStringList *commandLinePrefixes,
                         QString *error);

    QCommandLineParser *m_parser;
    bool m_help = false;
    bool m_version = false;
};

} // namespace afcgi
