#pragma once

#include <afcgi/router.h>

#include "web/routetree.h"

#include <QStringList>
#include <QVarLengthArray>

#include <vector>

namespace afcgi {

// A path parameter of a matched route: its name (owned by the route) and where its value lies
// in the request's path.
struct PathParam
{
    const QString *name;
    qint32 start;
    qint32 length;
};
using PathParams = QVarLengthArray<PathParam, 2>;

// Where a request goes, as RouterPrivate::resolve() found it.
struct RouteResolution
{
    Handler *handler = nullptr;  // nullptr: `status` says what to answer
    int status = 0;              // 0 with a handler; 404 or 405 without
    QByteArray allow;            // 405: the methods the path takes
    bool headAsGet = false;      // HEAD answered by a GET route: no body goes out
    int slot = -1;               // the mounted route it counts under (RouteCounters); -1: none
    PathParams params;
    QVarLengthArray<const RouterPrivate *, 2> routers; // entered, outermost first (their hooks)
};

class RouterPrivate
{
public:
    struct Entry
    {
        QByteArray method;       // empty for a mount; "*" for any
        QString pattern;         // canonical, relative to this router
        QStringList paramNames;  // in capture order
        std::shared_ptr<Handler> handler;
        std::shared_ptr<Router> router; // a mounted router (then no handler)
        // By this router's mount (see assignSlots()): a handler's slot; for a mounted router,
        // which of that router's mounts this entry is.
        QVarLengthArray<int, 1> slots = {};
        QVarLengthArray<int, 1> childMount = {};
    };

    static const RouterPrivate *get(const Router &router) { return router.d.get(); }
    static RouterPrivate *get(Router &router) { return router.d.get(); }

    // Finds what answers `method` on `path` (decoded, from '/'); `base` is where this router's
    // part of the path starts (after the prefixes of the routers it is mounted under), `mount`
    // which of its mounts the request came through (0 for the root).
    void resolve(QStringView path, qsizetype base, QByteArrayView method, RouteResolution &out,
                 int mount = 0) const;
    void listRoutes(const QString &prefix, QList<RouteInfo> &out) const;
    // Gives each handler the index of the longest of `prefixes` that contains its whole pattern
    // (the root router), so that resolve() tells a request's route for free. A router mounted
    // at several prefixes gets slots for each of its mounts: a request counts under the prefix
    // it came through. Before the workers serve: the router is read-only from then on.
    void assignSlots(const QStringList &prefixes);

    bool add(QByteArrayView method, const QString &pattern, std::shared_ptr<Handler> handler,
             std::shared_ptr<Router> router);

    // assignSlots() for this router mounted at `prefix`: the number of that mount.
    int addMount(const QString &prefix, const QStringList &prefixes);
    void clearSlots();

    RouteTree m_tree;
    std::vector<Entry> m_entries; // the tree's targets are indices here
    std::shared_ptr<Handler> m_fallback;
    QVarLengthArray<int, 1> m_fallbackSlots; // by mount, as Entry::slots: one per mount
    QList<Router::Hook> m_before;
    QList<Router::Hook> m_after;
};

} // namespace afcgi
