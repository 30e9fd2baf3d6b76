#include <afcgi/service.h>

#include "config/logging.h"
#include "engine/engine.h"
#include "handlers/builtinhandlers.h"
#include "monitor/logcollector.h"
#include "monitor/monitorpublisher.h"
#include "net/inheritedsocket.h"
#include "service/processtuning.h"
#include "service/signalwatcher.h"

#include <QFile>

#include <cstdio>

namespace afcgi {

bool applyEnvironment(ServerConfig &config, QString *error)
{
    if (config.listen.isEmpty()) {
        // Socket activation by systemd: LISTEN_FDS descriptors from fd 3 on.
        for (int fd : systemdListenFds())
            config.listen.append(*ListenAddress::parse(QStringLiteral("fd:%1").arg(fd)));
    }
    if (config.listen.isEmpty()) {
        // Started by spawn-fcgi or mod_fcgid: the listening socket is fd 0 (FCGI_LISTENSOCK_FILENO).
        const bool inherited = inheritedListeningSocket(0) != InheritedSocketKind::None;
        config.listen.append(*ListenAddress::parse(inherited ? QStringLiteral("fd:0")
                                                             : QStringLiteral("127.0.0.1:9000")));
    }
    // FCGI_WEB_SERVER_ADDRS: the standard FastCGI list of web servers allowed to connect.
    const QString webServers = qEnvironmentVariable("FCGI_WEB_SERVER_ADDRS");
    if (!webServers.trimmed().isEmpty()) {
        QString why;
        const auto list = AccessList::parse(webServers, &why);
        if (!list) {
            *error = QStringLiteral("FCGI_WEB_SERVER_ADDRS: %1").arg(why);
            return false;
        }
        config.allow.add(*list);
    }
    return true;
}

Service::Service(const ServerConfig &config, const QStringList &arguments, QObject *parent)
    : QObject(parent), m_config(config), m_arguments(arguments)
{
    installLogFormat();
    m_logs = std::make_unique<LogCollector>(); // before anything logs, so a monitor sees every line
    setLogLevel(m_config.logLevel);
    m_engine = std::make_unique<Engine>(m_config);
    mountBuiltinHandlers(*m_engine);
}

Router &Service::router()
{
    return m_engine->router();
}

Service::~Service()
{
    m_monitor.reset(); // it refers to the engine
    m_engine.reset();
}

bool Service::openLogFile(QString *error)
{
    if (m_config.logFile.isEmpty())
        return true;
    if (!std::freopen(QFile::encodeName(m_config.logFile).constData(), "a", stderr)) {
        *error = QStringLiteral("cannot open log file '%1'").arg(m_config.logFile);
        return false;
    }
    std::setvbuf(stderr, nullptr, _IOLBF, 0); // a line at a time, as on a terminal
    return true;
}

bool Service::start(QString *error)
{
    if (!openLogFile(error))
        return false;
    m_signals = std::make_unique<SignalWatcher>();
    connect(m_signals.get(), &SignalWatcher::terminationRequested, m_engine.get(), &Engine::shutdown);
    connect(m_signals.get(), &SignalWatcher::reloadRequested, this, &Service::reload);
    connect(m_engine.get(), &Engine::finished, this, &Service::finished);
    if (!m_engine->start(error))
        return false;
    connect(&m_releaseMemory, &QTimer::timeout, this, &releaseFreeMemory);
    m_releaseMemory.start(kReleaseFreeMemoryMs);
    if (m_config.monitor != QLatin1String("none")) {
        m_monitor = std::make_unique<MonitorPublisher>(m_engine.get(), m_logs.get());
        const QString name = m_config.monitor.isEmpty() ? monitor::defaultSocketName() : m_config.monitor;
        QString why;
        // Serving requests matters more than being watched: without the channel we carry on.
        if (!m_monitor->listen(name, &why)) {
            qCWarning(lcEngine).noquote() << "no monitor channel:" << why;
            m_monitor.reset();
        }
    }
    return true;
}

void Service::reload()
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
        return;
    }
    setLogLevel(config->logLevel);
    m_engine->reloadLimits(*config);
}

} // namespace afcgi
