#pragma once

#include <afcgi/afcgi_global.h>

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

namespace afcgi {

class Hub;
class Router;
class ServerInfo;
class ServicePrivate;

/// A whole afcgid in one object: the engine with the built-in handlers, the monitor channel, the
/// log, and the signals that stop it (SIGTERM/SIGINT: drain) or refresh it (SIGHUP: reopen the
/// log file, reload the limits from the same command line and config file). A main() of your own:
///
///     afcgi::Service::tuneProcess();
///     QCoreApplication app(argc, argv);
///     afcgi::Service service(app.arguments());
///     if (!service.isValid())
///         return 2; // service.errorString() says why
///     service.router().mount(QStringLiteral("/notes"), std::make_shared<NotesHandler>());
///     QObject::connect(&service, &afcgi::Service::finished, &app, &QCoreApplication::quit);
///     return service.start() ? app.exec() : 1;
class AFCGI_EXPORT Service final : public QObject
{
    Q_OBJECT
public:
    /// Takes afcgid's options (--listen, --threads, --config FILE, ...: see helpText()) from
    /// `arguments`, program name first as QCoreApplication::arguments() gives them, then the
    /// environment: a listening socket inherited on fd 0 (spawn-fcgi), systemd's LISTEN_FDS,
    /// FCGI_WEB_SERVER_ADDRS. Nothing listens before start().
    explicit Service(const QStringList &arguments, QObject *parent = nullptr);
    ~Service() override;

    bool isValid() const;          ///< the options made sense; if not, errorString() says why
    QString errorString() const;   ///< why isValid() or start() failed
    bool helpRequested() const;    ///< --help: print helpText() instead of starting
    bool versionRequested() const; ///< --version
    QString helpText() const;      ///< the options, as `afcgid --help` prints them

    /// Mount your own handlers here before start(); the built-in ones are already mounted.
    Router &router();
    /// The publish/subscribe hub (--hub or a [hub] section), or nullptr when it is off. Publish
    /// from a handler of your own with hub()->publish("channel", data).
    Hub *hub() const;
    /// Counters, limits and requests in flight, for handlers that report on the server.
    const ServerInfo &serverInfo() const;
    /// Listens and serves; false, with the reason in `error`, when it cannot.
    bool start(QString *error = nullptr);

    /// Process-wide settings that make serving faster (event dispatcher, allocator, open-file
    /// limit; an operator's environment variables win). Call first thing in main(), before the
    /// QCoreApplication and any thread exist.
    static void tuneProcess();

Q_SIGNALS:
    void finished(); ///< drained after a termination request: time to leave the event loop

private:
    std::unique_ptr<ServicePrivate> d;
};

} // namespace afcgi
