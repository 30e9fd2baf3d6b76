#include <afcgi/hub.h>
#include <afcgi/service.h>

#include "config/logging.h"
#include "config/serverconfig.h"
#include "engine/engine.h"
#include "handlers/builtinhandlers.h"
#include "handlers/cgi/cgibridge.h"
#include "handlers/hub/hubhandlers.h"
#include "handlers/hub/hubprivate.h"
#include "handlers/hub/publishauth.h"
#include "config/configreport.h"
#include "monitor/admincommands.h"
#include "monitor/logcollector.h"
#include "monitor/monitorrelay.h"
#include "monitor/monitorpublisher.h"
#include "service/applicationloader.h"
#include "service/environment.h"
#include "service/logfile.h"
#include "service/processtuning.h"
#include "service/routelisting.h"
#include "service/signalwatcher.h"

#include "channeladdress.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>

namespace afcgi {

class ServicePrivate
{
public:
    bool reload(QString *message);
    bool openLogFile(QString *error);

    ServerConfigParser m_parser;
    ServerConfig m_config;
    QStringList m_arguments;
    QString m_error; // why the arguments are not valid; empty when they are
    std::unique_ptr<LogCollector> m_logs;
    std::unique_ptr<Hub> m_hub; // outlives the engine: subscriptions refer to it
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<CgiBridge> m_cgi; // after the engine: its requests use it
    std::unique_ptr<SignalWatcher> m_signals;
    std::unique_ptr<AdminCommands> m_admin;
    // afcgid --monitor-relay [NAME]: only the relay runs, no engine.
    bool m_relayMode = false;
    QString m_relayName;
    std::unique_ptr<MonitorRelay> m_relay;
    std::unique_ptr<MonitorPublisher> m_monitor;
    std::unique_ptr<ApplicationLoader> m_applications; // keeps the plugins loaded
    QList<monitor::Route> m_routes; // what is mounted, for the monitor's hello
    QTimer m_releaseMemory;
};

Service::Service(const QStringList &arguments, QObject *parent)
    : QObject(parent), d(std::make_unique<ServicePrivate>())
{
    d->m_arguments = arguments;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (argument == QLatin1String("--monitor-relay")) {
            d->m_relayMode = true;
            if (i + 1 < arguments.size() && !arguments.at(i + 1).startsWith(QLatin1Char('-')))
                d->m_relayName = arguments.at(i + 1);
        } else if (argument.startsWith(QLatin1String("--monitor-relay="))) {
            d->m_relayMode = true;
            d->m_relayName = argument.section(QLatin1Char('='), 1);
        }
    }
    if (d->m_relayMode)
        return; // stdout carries the channel: nothing else may start, nothing may print there
    auto config = d->m_parser.parse(arguments, &d->m_error);
    if (config && applyEnvironment(*config, &d->m_error))
        d->m_config = *config;
    else if (d->m_error.isEmpty())
        d->m_error = QStringLiteral("invalid arguments");
    installLogFormat();
    d->m_logs = std::make_unique<LogCollector>(); // before anything logs, so a monitor sees every line
    setLogLevel(d->m_config.logLevel);
    d->m_engine = std::make_unique<Engine>(d->m_config);
    if (d->m_config.hub) {
        const HubOptions &hub = d->m_config.hubOptions;
        const PublishAuth auth(hub.publishAllow, hub.publishSecret);
        if (!auth.isValid() && d->m_error.isEmpty())
            d->m_error = auth.errorString();
        if (!hub.redisUrl.isEmpty() && !HubPrivate::redisAvailable() && d->m_error.isEmpty())
            d->m_error = QStringLiteral("--hub-redis: this afcgid was built without hiredis");
        d->m_hub = std::make_unique<Hub>(hub);
        mountHubHandlers(d->m_engine->router(), d->m_hub.get());
        d->m_routes.append({hub.publishPrefix, QStringLiteral("hub"), QString(), {}});
        d->m_routes.append({hub.subscribePrefix, QStringLiteral("hub"), QString(), {}});
    }
    QList<const StatusSource *> sources;
    if (d->m_config.cgi.isEnabled()) {
        d->m_cgi = std::make_unique<CgiBridge>(d->m_config.cgi, d->m_config.bodyMemoryBytes);
        sources.append(d->m_cgi.get());
    }
    const QStringList builtins =
        mountBuiltinHandlers(d->m_engine->router(), *d->m_engine, d->m_hub.get(), sources);
    for (const QString &prefix : builtins)
        d->m_routes.append({prefix, QStringLiteral("builtin"), QString(), {}});
    if (d->m_cgi) {
        d->m_cgi->mount(d->m_engine->router());
        for (const CgiMount &mount : std::as_const(d->m_config.cgi.mounts))
            d->m_routes.append({mount.prefix, QStringLiteral("cgi"), QString(), {}});
    }
    // Applications last, and only for a service that is to run: a failure is the service's error.
    if (d->m_error.isEmpty() && !helpRequested() && !versionRequested()) {
        d->m_applications = std::make_unique<ApplicationLoader>(d->m_engine->router(), *d->m_engine,
                                                                d->m_hub.get(), &d->m_routes);
        for (const AppConfig &app : std::as_const(d->m_config.apps)) {
            if (!d->m_applications->load(app, &d->m_error))
                break;
        }
    }
}

Service::~Service()
{
    d->m_monitor.reset(); // it refers to the engine
    d->m_admin.reset();
    d->m_engine.reset();
    d->m_cgi.reset(); // children still running are killed and reaped
}

bool Service::isValid() const
{
    return d->m_error.isEmpty();
}

QString Service::errorString() const
{
    return d->m_error;
}

bool Service::helpRequested() const
{
    return d->m_parser.helpRequested();
}

bool Service::versionRequested() const
{
    return d->m_parser.versionRequested();
}

QString Service::helpText() const
{
    return d->m_parser.helpText();
}

Hub *Service::hub() const
{
    return d->m_hub.get();
}

Router &Service::router()
{
    return d->m_engine->router();
}

const ServerInfo &Service::serverInfo() const
{
    return *d->m_engine;
}

void Service::tuneProcess()
{
    tuneProcessForServing();
}

bool ServicePrivate::openLogFile(QString *error)
{
    if (m_config.logFile.isEmpty())
        return true;
    if (!appendStderrTo(m_config.logFile)) {
        *error = QStringLiteral("cannot open log file '%1'").arg(m_config.logFile);
        return false;
    }
    return true;
}

bool Service::start(QString *error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    if (!isValid()) {
        *error = d->m_error;
        return false;
    }
    if (d->m_relayMode) {
        d->m_relay = std::make_unique<MonitorRelay>();
        connect(d->m_relay.get(), &MonitorRelay::finished, this, &Service::finished);
        return d->m_relay->start(d->m_relayName, error);
    }
    if (!d->openLogFile(error))
        return false;
    logProcessTuning();
    d->m_signals = std::make_unique<SignalWatcher>();
    Engine *engine = d->m_engine.get();
    connect(d->m_signals.get(), &SignalWatcher::terminationRequested, engine, &Engine::shutdown);
    connect(d->m_signals.get(), &SignalWatcher::reloadRequested, this, [this] {
        QString ignored;
        d->reload(&ignored);
    });
    connect(engine, &Engine::finished, this, &Service::finished);
    // Everything is mounted now: the routes the monitor lists are those traffic is counted under.
    const QList<monitor::Route> routes = listRoutes(d->m_routes, engine->router().routes(),
                                                    QCoreApplication::applicationName());
    QStringList prefixes;
    for (const monitor::Route &route : routes)
        prefixes.append(route.prefix);
    engine->setRoutePrefixes(prefixes);
    if (!engine->start(error))
        return false;
    connect(&d->m_releaseMemory, &QTimer::timeout, this, &releaseFreeMemory);
    d->m_releaseMemory.start(kReleaseFreeMemoryMs);
    if (d->m_config.monitor != QLatin1String("none")) {
        d->m_monitor = std::make_unique<MonitorPublisher>(engine, d->m_logs.get());
        d->m_monitor->setHub(d->m_hub.get());
        d->m_monitor->setRoutes(routes);
        AdminHooks hooks;
        hooks.reload = [this](QString *message) { return d->reload(message); };
        hooks.drain = [engine] { engine->shutdown(); };
        hooks.stop = [engine] {
            if (!engine->isShuttingDown())
                engine->shutdown();
            engine->shutdown(); // the second call closes everything at once
        };
        d->m_admin = std::make_unique<AdminCommands>(engine, hooks, d->m_config.monitorAdmin);
        d->m_monitor->setAdmin(d->m_admin.get());
        const QString address = monitor::channelAddress(d->m_config.monitor);
        QString why;
        // Serving requests matters more than being watched: without the channel we carry on,
        // saying why and how to get it back.
        if (!monitor::prepareChannelDirectory(address, true, &why)
            || !d->m_monitor->listen(address, &why)) {
            qCWarning(lcEngine).noquote() << "no monitor channel:" << why;
            d->m_monitor.reset();
        }
    }
    return true;
}

bool ServicePrivate::reload(QString *message)
{
    ServerConfigParser parser;
    QString error;
    auto config = parser.parse(m_arguments, &error);
    const bool valid = config && applyEnvironment(*config, &error);
    // The log is reopened whatever the configuration says (logrotate sends SIGHUP after moving
    // the file away): with a broken file it stays where it was configured before.
    if (valid)
        m_config.logFile = config->logFile;
    QString logError;
    if (!openLogFile(&logError))
        qCWarning(lcEngine).noquote() << "SIGHUP:" << logError;
    if (!valid) {
        qCWarning(lcEngine).noquote() << "SIGHUP: configuration not reloaded:" << error;
        *message = QStringLiteral("configuration not reloaded: %1").arg(error);
        return false;
    }
    const ServerConfig before = m_engine->config();
    const QStringList changes = changedSettings(before, *config);
    // Where each value came from: what changed came from this reload (of its file or flags).
    for (const monitor::Setting &setting : describeConfig(*config)) {
        for (const QString &change : changes) {
            if (change.startsWith(setting.key + QLatin1Char(' ')))
                config->origins.insert(setting.key, QStringLiteral("reload (%1)").arg(setting.origin));
        }
    }
    setLogLevel(config->logLevel);
    m_engine->reloadLimits(*config);
    *message = changes.isEmpty() ? QStringLiteral("reloaded; nothing changed")
                                 : QStringLiteral("reloaded: %1").arg(changes.join(QStringLiteral(", ")));
    if (!logError.isEmpty())
        *message += QStringLiteral("; %1").arg(logError);
    return true;
}

} // namespace afcgi
