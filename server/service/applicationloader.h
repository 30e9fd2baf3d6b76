#pragma once

#include "config/serverconfig.h"
#include "monitorprotocol.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

class QPluginLoader;

namespace afcgi {

class Hub;
class Router;
class ServerInfo;

// Loads the application plugins afcgid is told to (--app, [app:PREFIX]) and starts each: the
// file is opened, checked to be an afcgi application of this major version, and its start()
// mounts its handlers. Every failure names the file; afcgid then exits (code 2) before anything
// listens. The plugins stay loaded until the process ends: their code runs in the handlers.
class ApplicationLoader
{
public:
    // `routes`: what is mounted so far (the built-ins); each application's mounts are added.
    ApplicationLoader(Router &router, const ServerInfo &server, Hub *hub,
                      QList<monitor::Route> *routes);
    ~ApplicationLoader();

    bool load(const AppConfig &app, QString *error);

    // "libnotes.so" → "notes", "notes.dll" → "notes", "libnotes.dylib" → "notes".
    static QString applicationName(const QString &fileName);

private:
    Router &m_router;
    const ServerInfo &m_server;
    Hub *m_hub;
    QList<monitor::Route> *m_routes;
    std::vector<std::unique_ptr<QPluginLoader>> m_loaders;
};

} // namespace afcgi
