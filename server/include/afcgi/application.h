#pragma once
// An application as a plugin: a shared library that the stock afcgid loads at start
// (`afcgid --app /notes=/usr/lib/afcgi/apps/libnotes.so`) and that mounts its handlers under the
// prefix it is given. The plugin is a Qt plugin implementing ApplicationPlugin:
//
//     class NotesPlugin : public QObject, public afcgi::ApplicationPlugin
//     {
//         Q_OBJECT
//         Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID)
//         Q_INTERFACES(afcgi::ApplicationPlugin)
//     public:
//         bool start(afcgi::ApplicationContext &context, QString *error) override
//         {
//             context.mount(QStringLiteral("/"), std::make_shared<NotesHandler>());
//             return true;
//         }
//     };
//
// Build it with qt_add_plugin(notes SHARED ...) and link afcgi::afcgi: the plugin and afcgid
// share the one libafcgi. See resources/examples/notes for a whole application.

#include <afcgi/afcgi_global.h>

#include <QString>
#include <QVariantMap>
#include <QtPlugin>

#include <memory>

namespace afcgi {

class Handler;
class Hub;
class Router;
class ServerInfo;

// What afcgid hands an application while starting it. Valid only during
// ApplicationPlugin::start(); copy what you need (the handlers keep their own state).
class ApplicationContext
{
public:
    // The application's name: its plugin's file name without "lib" and the suffix ("notes").
    virtual QString name() const = 0;
    // Where it is mounted, e.g. "/notes" (never with a trailing '/', except "/" itself).
    virtual QString prefix() const = 0;
    // The plugin file afcgid loaded.
    virtual QString fileName() const = 0;
    // The keys of the application's own section of afcgid's config file ([app:/notes]), the
    // `plugin` key left out. A value is a QString, or a QStringList when it has commas.
    virtual QVariantMap settings() const = 0;
    // Serves prefix() + `path` and below with `handler` ("/" or "" = the prefix itself).
    virtual void mount(const QString &path, std::shared_ptr<Handler> handler) = 0;
    // The publish/subscribe hub, or nullptr when afcgid runs without one.
    virtual Hub *hub() const = 0;
    // Counters, limits and requests in flight of the server the application runs in.
    virtual const ServerInfo &serverInfo() const = 0;
    // Serves prefix() + `path` and below with the routes of `router` (its methods, patterns,
    // middleware, 405s and HEAD), as Router::mount() does.
    virtual void mount(const QString &path, std::shared_ptr<Router> router) = 0;

protected:
    ~ApplicationContext() = default;
};

// The interface an application plugin implements (see the top of this file).
class ApplicationPlugin
{
public:
    virtual ~ApplicationPlugin() = default;
    // Called once, before anything listens, on the main thread. Mount the handlers and return
    // true; or return false with the reason in `error`, and afcgid exits (code 2) naming it.
    virtual bool start(ApplicationContext &context, QString *error) = 0;
};

} // namespace afcgi

// The interface's identity. Its number is libafcgi's major version (the library's SONAME): afcgid
// refuses a plugin built against another major version, naming both. A minor version adds to the
// interface without breaking it.
#define AFCGI_APPLICATION_IID_BASE "org.afcgi.ApplicationPlugin/"
#define AFCGI_APPLICATION_MAJOR 0
#define AFCGI_APPLICATION_IID AFCGI_APPLICATION_IID_BASE "0.1"

Q_DECLARE_INTERFACE(afcgi::ApplicationPlugin, AFCGI_APPLICATION_IID)
