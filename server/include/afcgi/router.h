#pragma once

#include <afcgi/afcgi_global.h>
#include <afcgi/handler.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <type_traits>

namespace afcgi {

class Request;
class RouterPrivate;

/// What a route or a mount runs: a function or lambda taking the `Request *`, or a `Handler`
/// held by a `std::shared_ptr`. Either one converts to a RouteTarget implicitly.
class AFCGI_EXPORT RouteTarget
{
public:
    /// A Handler object, shared by every request (and every worker thread) it serves.
    template <typename H, std::enable_if_t<std::is_base_of_v<Handler, H>, int> = 0>
    RouteTarget(std::shared_ptr<H> handler) : m_handler(std::move(handler))
    {
    }
    /// A function `void (Request *)`, called on the request's thread like Handler::handle().
    template <typename F, std::enable_if_t<std::is_invocable_v<F &, Request *>, int> = 0>
    RouteTarget(F function) : m_handler(fromFunction(std::function<void(Request *)>(std::move(function))))
    {
    }

    /// The handler that runs: the one given, or one that calls the function.
    const std::shared_ptr<Handler> &handler() const { return m_handler; }

private:
    static std::shared_ptr<Handler> fromFunction(std::function<void(Request *)> function);
    std::shared_ptr<Handler> m_handler;
};

/// One entry of Router::routes().
struct RouteInfo
{
    QByteArray method; ///< "GET", "POST", ...; "*" for any method; empty for a prefix mount
    QString pattern;   ///< the whole pattern, prefixes of enclosing routers included
};

/// Maps a request to what answers it: a route by method and path pattern, or a prefix mount.
///
/// Patterns are made of segments: literal text (`/notes`), a parameter that takes one segment
/// (`{id}`), an integer parameter (`{id:int}`: an optional '-' and digits), and, last only, the
/// rest of the path (`{path*}`, possibly empty). A handler reads the values with
/// Request::pathParam(). Routes are matched on the decoded path (Request::path()), most specific
/// segment first: `/notes/new` beats `/notes/{id}`, which beats `/notes/{rest*}`; a prefix mount
/// serves what no route below it does. One trailing '/' in a request's path is ignored.
///
/// When routes match the path but none takes the request's method, the answer is
/// `405 Method Not Allowed` with an `Allow` header. A HEAD request is answered by the GET route
/// unless there is a HEAD route: the response's status and headers go out, its body does not.
/// Unmatched paths go to the fallback (setFallback()), else `404 Not Found`.
///
/// Middleware: before() hooks run, in the order they were added, for every request that enters
/// the router (a mounted router's after its parent's), before its handler or its 404 or 405; a
/// hook that answers (ends the request) stops the chain. after() hooks run when the response is
/// complete or the request was aborted, innermost router first. An exception thrown by a handler
/// or a hook becomes a `500` logged with the request's id.
///
/// Filled before the server starts, then only read: safe to share between worker threads.
/// Registration returns false (and logs why) for a malformed pattern or a duplicate.
///
///     router.get("/notes/{id:int}", [](afcgi::Request *request) {
///         const qint64 id = request->pathParam(u"id").toLongLong();
///         ...
///     });
class AFCGI_EXPORT Router
{
public:
    /// A middleware hook (see before() and after()).
    using Hook = std::function<void(Request *)>;

    Router();
    ~Router();

    /// Answers `method` requests whose path matches `pattern` with `target`. `method` is an
    /// HTTP method as REQUEST_METHOD gives it ("GET", "PROPFIND", ...).
    bool route(QByteArrayView method, const QString &pattern, RouteTarget target);
    bool get(const QString &pattern, RouteTarget target);    ///< route("GET", ...)
    bool post(const QString &pattern, RouteTarget target);   ///< route("POST", ...)
    bool put(const QString &pattern, RouteTarget target);    ///< route("PUT", ...)
    bool patch(const QString &pattern, RouteTarget target);  ///< route("PATCH", ...)
    bool del(const QString &pattern, RouteTarget target);    ///< route("DELETE", ...)
    /// Any method, where no route for the request's own method matches the same pattern.
    bool any(const QString &pattern, RouteTarget target);

    /// Serves `prefix` and every path below it, any method, with `target` (a trailing '/' is
    /// ignored; "/" serves every path). A prefix matches whole segments: "/echo" serves "/echo"
    /// and "/echo/x" but not "/echoes". The handler sees the whole path in Request::path().
    bool mount(const QString &prefix, RouteTarget target);
    /// Serves `prefix` and everything below it with the routes of `router`, whose patterns are
    /// relative to the prefix. Its hooks apply to those requests only, after this router's.
    bool mount(const QString &prefix, std::shared_ptr<Router> router);
    /// Serves the paths that nothing else matches (by default: none, a 404). A mounted router
    /// without a fallback of its own uses its parent's.
    void setFallback(RouteTarget target);

    /// Runs `hook` before the handler of every request that enters this router. To answer
    /// early (401, a CORS preflight, ...), the hook ends the request: nothing else runs then.
    void before(Hook hook);
    /// Runs `hook` once the request has ended (or was aborted), with its status, byte counts
    /// and age still readable: access logs, metrics. It cannot change the response any more.
    void after(Hook hook);

    /// Every route and handler mount in the order they were added; a mounted router's routes
    /// appear in its place, under its prefix.
    QList<RouteInfo> routes() const;

private:
    friend class RouterPrivate;
    Q_DISABLE_COPY_MOVE(Router)
    std::unique_ptr<RouterPrivate> d;
};

} // namespace afcgi
