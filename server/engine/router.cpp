#include <afcgi/router.h>

#include <afcgi/handler.h>

#include <QList>

#include <algorithm>

namespace afcgi {

class RouterPrivate
{
public:
    struct Mount
    {
        QString prefix;
        std::shared_ptr<Handler> handler;
    };
    QList<Mount> m_mounts; // longest prefix first
    std::shared_ptr<Handler> m_fallback;
};

Router::Router() : d(std::make_unique<RouterPrivate>()) {}
Router::~Router() = default;

void Router::mount(const QString &prefix, std::shared_ptr<Handler> handler)
{
    using Mount = RouterPrivate::Mount;
    QString normalized = prefix;
    while (normalized.size() > 1 && normalized.endsWith(QLatin1Char('/')))
        normalized.chop(1);
    d->m_mounts.append({normalized, std::move(handler)});
    std::stable_sort(d->m_mounts.begin(), d->m_mounts.end(), [](const Mount &a, const Mount &b) {
        return a.prefix.size() > b.prefix.size();
    });
}

void Router::setFallback(std::shared_ptr<Handler> handler)
{
    d->m_fallback = std::move(handler);
}

Handler *Router::route(const QString &path) const
{
    for (const RouterPrivate::Mount &mount : std::as_const(d->m_mounts)) {
        if (mount.prefix == QLatin1String("/"))
            return mount.handler.get();
        if (path.startsWith(mount.prefix)
            && (path.size() == mount.prefix.size() || path.at(mount.prefix.size()) == QLatin1Char('/')))
            return mount.handler.get();
    }
    return d->m_fallback.get();
}

} // namespace afcgi
