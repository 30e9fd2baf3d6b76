#pragma once
// What the monitor's hello lists as the service's routes: the mounts afcgid knows it made
// (built-ins, hub, CGI mounts, applications), each with the router's routes under it
// ("GET /notes/{id:int}"), and whatever else the program's own code added to the router.

#include <afcgi/router.h>

#include "monitorprotocol.h"

#include <QList>

namespace afcgi {

// `mounts`: the known mounts; `routes`: Router::routes() once everything is mounted; `program`:
// the app name for mounts and routes nobody announced (a program's own main()). Sorted by prefix.
QList<monitor::Route> listRoutes(QList<monitor::Route> mounts, const QList<RouteInfo> &routes,
                                 const QString &program);

} // namespace afcgi
