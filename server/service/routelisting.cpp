#include "service/routelisting.h"

#include "engine/routeslots.h"

#include <algorithm>

namespace afcgi {

namespace {

// The mount a route belongs to: the longest prefix that contains its pattern.
monitor::Route *ownerOf(QList<monitor::Route> &mounts, const QString &pattern)
{
    monitor::Route *owner = nullptr;
    for (monitor::Route &mount : mounts) {
        if (prefixContains(mount.prefix, pattern) && (!owner || mount.prefix.size() > owner->prefix.size()))
            owner = &mount;
    }
    return owner;
}

} // namespace

QList<monitor::Route> listRoutes(QList<monitor::Route> mounts, const QList<RouteInfo> &routes,
                                 const QString &program)
{
    for (const RouteInfo &route : routes) { // handler mounts first: routes may fall under them
        const bool known = std::any_of(mounts.cbegin(), mounts.cend(),
                                       [&](const monitor::Route &m) { return m.prefix == route.pattern; });
        if (route.method.isEmpty() && !known)
            mounts.append({route.pattern, program, QString(), {}});
    }
    for (const RouteInfo &route : routes) {
        if (route.method.isEmpty())
            continue;
        const QString entry = QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern;
        if (monitor::Route *owner = ownerOf(mounts, route.pattern))
            owner->patterns.append(entry);
        else
            mounts.append({route.pattern, program, QString(), {entry}});
    }
    std::sort(mounts.begin(), mounts.end(),
              [](const monitor::Route &a, const monitor::Route &b) { return a.prefix < b.prefix; });
    return mounts;
}

} // namespace afcgi
