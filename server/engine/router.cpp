#include <afcgi/router.h>

#include <afcgi/handler.h>

#include <algorithm>

namespace afcgi {

Router::Router() = default;
Router::~Router() = default;

void Router::mount(const QString &prefix, std::shared_ptr<Handler> handler)
{
    QString normalized = prefix;
    while (normalized.size() > 1 && normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    m_mounts.append({normalized, std::move(handler)});
    std::stable_sort(m_mounts.begin(), m_mounts.end(), [](const Mount &a, const Mount &b) {
        return a.prefix.size() > b.prefix.size();
    });
}

void Router::setFallback(std::shared_ptr<Handler> handler)
{
    m_fallback = std::move(handler);
}

Handler *Router::route(const QString &path) const
{
    for (const Mount &mount : m_mounts) {
        if (mount.prefix == QLatin1String("/"))
            return mount.handler.get();
        if (path.startsWith(mount.prefix)
            && (path.size() == mount.prefix.size() || path.at(mount.prefix.size()) == QLatin1Char('/')))
            return mount.handler.get();
    }
    return m_fallback.get();
}

} // namespace afcgi
