#pragma once

#include <afcgi/afcgi_global.h>

#include <QString>

#include <memory>

namespace afcgi {

class Handler;
class RouterPrivate;

// Maps a decoded request path to the handler mounted on its longest matching prefix. A prefix
// matches whole segments: "/echo" serves "/echo" and "/echo/x" but not "/echoes".
// Filled before the server starts, then only read: safe to share between threads.
class AFCGI_EXPORT Router
{
public:
    Router();
    ~Router();

    // Serves `prefix` and everything below it with `handler` (a trailing '/' is ignored;
    // "/" serves every path).
    void mount(const QString &prefix, std::shared_ptr<Handler> handler);
    // Serves the paths that no prefix matches (by default: none, a 404).
    void setFallback(std::shared_ptr<Handler> handler);
    // The handler for `path` (decoded, as Request::path() gives it), else the fallback (or null).
    Handler *route(const QString &path) const;

private:
    Q_DISABLE_COPY_MOVE(Router)
    std::unique_ptr<RouterPrivate> d;
};

} // namespace afcgi
