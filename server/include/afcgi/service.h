#pragma once

#include "config/serverconfig.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>

namespace afcgi {

class Engine;
class LogCollector;
class MonitorPublisher;
class Router;
class SignalWatcher;

// afcgid as a whole: the engine with the built-in handlers, the monitor channel, the log, and
// the signals that stop it (SIGTERM/SIGINT: drain) or refresh it (SIGHUP: reopen the log file,
// reload the limits from the same command line and config file).
class Service final : public QObject
{
    Q_OBJECT
public:
    Service(const ServerConfig &config, const QStringList &arguments, QObject *parent = nullptr);
    ~Service() override;

    // Mount your own handlers here before start(); the built-in ones are already mounted.
    Router &router();
    Engine &engine() { return *m_engine; }
    bool start(QString *error);

Q_SIGNALS:
    void finished(); // drained after a termination request

private:
    void reload();
    bool openLogFile(QString *error);

    ServerConfig m_config;
    QStringList m_arguments;
    std::unique_ptr<LogCollector> m_logs;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<SignalWatcher> m_signals;
    std::unique_ptr<MonitorPublisher> m_monitor;
    QTimer m_releaseMemory;
};

// Completes a parsed configuration with what the environment says: fd 0 as the listener when a
// parent (spawn-fcgi) left a listening socket there, and FCGI_WEB_SERVER_ADDRS.
bool applyEnvironment(ServerConfig &config, QString *error);

} // namespace afcgi
