// afcgid: parse the command line, start the engine, run until SIGTERM/SIGINT has drained it.
#include "engine.h"
#include "handlers/builtinhandlers.h"
#include "inheritedsocket.h"
#include "logcollector.h"
#include "logging.h"
#include "monitorpublisher.h"
#include "signalwatcher.h"

#include <QCoreApplication>

#include <memory>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("afcgid"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));
    afcgi::installLogFormat();
    afcgi::LogCollector logs; // before anything logs, so a monitor sees every line

    afcgi::ServerConfigParser parser;
    QString error;
    auto config = parser.parse(QCoreApplication::arguments(), &error);
    if (!config) {
        std::fprintf(stderr, "afcgid: %s\nTry 'afcgid --help'.\n", qPrintable(error));
        return 2;
    }
    if (parser.helpRequested()) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.versionRequested()) {
        std::printf("afcgid %s\n", AFCGI_VERSION);
        return 0;
    }
    if (config->listen.isEmpty()) {
        // Started by spawn-fcgi or mod_fcgid: the listening socket is fd 0 (FCGI_LISTENSOCK_FILENO).
        const bool inherited = afcgi::inheritedListeningSocket(0) != afcgi::InheritedSocketKind::None;
        config->listen.append(*afcgi::ListenAddress::parse(
            inherited ? QStringLiteral("fd:0") : QStringLiteral("127.0.0.1:9000")));
    }
    // FCGI_WEB_SERVER_ADDRS: the standard FastCGI list of web servers allowed to connect.
    const QString webServers = qEnvironmentVariable("FCGI_WEB_SERVER_ADDRS");
    if (!webServers.trimmed().isEmpty()) {
        const auto list = afcgi::AccessList::parse(webServers, &error);
        if (!list) {
            std::fprintf(stderr, "afcgid: FCGI_WEB_SERVER_ADDRS: %s\n", qPrintable(error));
            return 2;
        }
        config->allow.add(*list);
    }
    afcgi::setLogLevel(config->logLevel);

    afcgi::Engine engine(*config);
    afcgi::mountBuiltinHandlers(engine);
    afcgi::SignalWatcher signals;
    QObject::connect(&signals, &afcgi::SignalWatcher::terminationRequested, &engine,
                     &afcgi::Engine::shutdown);
    QObject::connect(&engine, &afcgi::Engine::finished, &app, [] { QCoreApplication::exit(0); });
    if (!engine.start(&error)) {
        std::fprintf(stderr, "afcgid: %s\n", qPrintable(error));
        return 1;
    }
    std::unique_ptr<afcgi::MonitorPublisher> monitor;
    if (config->monitor != QLatin1String("none")) {
        monitor = std::make_unique<afcgi::MonitorPublisher>(&engine, &logs);
        const QString name = config->monitor.isEmpty() ? afcgi::monitor::defaultSocketName()
                                                       : config->monitor;
        // Serving requests matters more than being watched: without the channel we carry on.
        if (!monitor->listen(name, &error)) {
            qCWarning(afcgi::lcEngine).noquote() << "no monitor channel:" << error;
            monitor.reset();
        }
    }
    return app.exec();
}
