#include <afcgi/router.h>

#include <afcgi/handler.h>

#include "config/logging.h"
#include "engine/routerprivate.h"
#include "engine/routeslots.h"

namespace afcgi {

namespace {
// A route given as a function.
class FunctionHandler final : public Handler
{
public:
    explicit FunctionHandler(std::function<void(Request *)> function) : m_function(std::move(function)) {}
    void handle(Request *request) override { m_function(request); }

private:
    std::function<void(Request *)> m_function;
};

QString joinPatterns(const QString &prefix, const QString &pattern)
{
    if (prefix == QLatin1String("/") || prefix.isEmpty())
        return pattern;
    return pattern == QLatin1String("/") ? prefix : prefix + pattern;
}

QStringList paramNames(const RouteSegments &segments)
{
    QStringList names;
    for (const RouteSegment &segment : segments) {
        if (segment.kind != RouteSegmentKind::Literal)
            names.append(segment.text);
    }
    return names;
}

// Trailing slashes of a prefix are ignored ("/echo//" is "/echo", "//" is "/").
QString trimmedPrefix(QString prefix)
{
    while (prefix.size() > 1 && prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    return prefix;
}

// The empty rest of a mount's path, as a mounted router sees it.
const QString kRoot = QStringLiteral("/");
} // namespace

std::shared_ptr<Handler> RouteTarget::fromFunction(std::function<void(Request *)> function)
{
    return std::make_shared<FunctionHandler>(std::move(function));
}

bool RouterPrivate::add(QByteArrayView method, const QString &pattern, std::shared_ptr<Handler> handler,
                        std::shared_ptr<Router> router)
{
    const bool isMount = method.isEmpty();
    const auto refuse = [&](const char *reason) {
        qCWarning(lcEngine).noquote() << (isMount ? QStringLiteral("mount") : QStringLiteral("route ") + QString::fromLatin1(method))
                                      << pattern << "refused:" << reason;
        return false;
    };
    RoutePatternError error = RoutePatternError::None;
    const std::optional<RouteSegments> segments = RoutePatternParser::parse(pattern, &error);
    if (!segments)
        return refuse(toString(error));
    if (!handler && !router)
        return refuse("no handler");
    if (isMount && !segments->isEmpty() && segments->last().kind == RouteSegmentKind::Rest)
        return refuse("a mount has no {name*}");
    const int target = int(m_entries.size());
    const bool added = isMount ? m_tree.addMount(*segments, target)
                               : m_tree.addRoute(*segments, method == "*" ? QByteArrayView() : method, target);
    if (!added)
        return refuse("already taken");
    m_entries.push_back({method.toByteArray(), RoutePatternParser::toString(*segments),
                         paramNames(*segments), std::move(handler), std::move(router)});
    return true;
}

void RouterPrivate::resolve(QStringView path, qsizetype base, QByteArrayView method,
                            RouteResolution &out, int mount) const
{
    out.routers.append(this);
    QStringView local = path.sliced(base);
    if (local.isEmpty())
        local = kRoot; // a mount's own path: its router's "/"
    const RouteMatch match = m_tree.match(local, method);
    switch (match.kind) {
    case RouteMatch::Kind::Route:
    case RouteMatch::Kind::Mount: {
        const Entry &entry = m_entries[size_t(match.target)];
        for (int i = 0; i < match.captureCount; ++i) {
            const RouteCapture &capture = match.captures[size_t(i)];
            // The rest of a mount's empty path lies past the end: clamp it there.
            const qsizetype start = qMin(base + capture.start, path.size());
            out.params.append({&entry.paramNames.at(i), qint32(start), qint32(capture.length)});
        }
        if (match.kind == RouteMatch::Kind::Route || !entry.router) {
            out.handler = entry.handler.get();
            out.headAsGet = match.headAsGet;
            out.slot = entry.slots.value(mount, -1);
            return;
        }
        RouterPrivate::get(*entry.router)->resolve(path, qMin(base + match.mountEnd, path.size()),
                                                   method, out, entry.childMount.value(mount, 0));
        break;
    }
    case RouteMatch::Kind::MethodNotAllowed:
        out.status = 405;
        out.allow = match.allow;
        return;
    case RouteMatch::Kind::None:
        out.status = 404;
        break;
    }
    if (!out.handler && out.status == 404 && m_fallback) {
        out.handler = m_fallback.get();
        out.status = 0;
        out.slot = m_fallbackSlots.value(mount, -1);
    }
}

void RouterPrivate::listRoutes(const QString &prefix, QList<RouteInfo> &out) const
{
    for (const Entry &entry : m_entries) {
        const QString pattern = joinPatterns(prefix, entry.pattern);
        if (entry.router)
            RouterPrivate::get(*entry.router)->listRoutes(pattern, out);
        else
            out.append({entry.method, pattern});
    }
}

void RouterPrivate::assignSlots(const QStringList &prefixes)
{
    clearSlots();
    addMount(QStringLiteral("/"), prefixes);
}

void RouterPrivate::clearSlots()
{
    m_fallbackSlots.clear();
    for (Entry &entry : m_entries) {
        entry.slots.clear();
        entry.childMount.clear();
        if (entry.router)
            RouterPrivate::get(*entry.router)->clearSlots();
    }
}

int RouterPrivate::addMount(const QString &prefix, const QStringList &prefixes)
{
    const int mount = int(m_fallbackSlots.size()); // one fallback slot per mount
    m_fallbackSlots.append(prefix == QLatin1String("/") ? -1 : owningPrefix(prefixes, prefix));
    for (Entry &entry : m_entries) {
        const QString pattern = joinPatterns(prefix, entry.pattern);
        if (entry.router)
            entry.childMount.append(RouterPrivate::get(*entry.router)->addMount(pattern, prefixes));
        else
            entry.slots.append(owningPrefix(prefixes, pattern));
    }
    return mount;
}

Router::Router() : d(std::make_unique<RouterPrivate>()) {}
Router::~Router() = default;

bool Router::route(QByteArrayView method, const QString &pattern, RouteTarget target)
{
    if (method.isEmpty()) {
        qCWarning(lcEngine).noquote() << "route" << pattern << "refused: no method";
        return false;
    }
    return d->add(method, pattern, target.handler(), nullptr);
}

bool Router::get(const QString &pattern, RouteTarget target)
{
    return route("GET", pattern, std::move(target));
}

bool Router::post(const QString &pattern, RouteTarget target)
{
    return route("POST", pattern, std::move(target));
}

bool Router::put(const QString &pattern, RouteTarget target)
{
    return route("PUT", pattern, std::move(target));
}

bool Router::patch(const QString &pattern, RouteTarget target)
{
    return route("PATCH", pattern, std::move(target));
}

bool Router::del(const QString &pattern, RouteTarget target)
{
    return route("DELETE", pattern, std::move(target));
}

bool Router::any(const QString &pattern, RouteTarget target)
{
    return route("*", pattern, std::move(target));
}

bool Router::mount(const QString &prefix, RouteTarget target)
{
    return d->add({}, trimmedPrefix(prefix), target.handler(), nullptr);
}

bool Router::mount(const QString &prefix, std::shared_ptr<Router> router)
{
    if (router.get() == this) {
        qCWarning(lcEngine).noquote() << "mount" << prefix << "refused: a router inside itself";
        return false;
    }
    return d->add({}, trimmedPrefix(prefix), nullptr, std::move(router));
}

void Router::setFallback(RouteTarget target)
{
    d->m_fallback = target.handler();
}

void Router::before(Hook hook)
{
    d->m_before.append(std::move(hook));
}

void Router::after(Hook hook)
{
    d->m_after.append(std::move(hook));
}

QList<RouteInfo> Router::routes() const
{
    QList<RouteInfo> out;
    d->listRoutes(QStringLiteral("/"), out);
    return out;
}

} // namespace afcgi
