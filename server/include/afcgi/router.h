#pragma once

#include <QList>
#include <QString>

#include <memory>

namespace afcgi {

class Handler;

// Maps a decoded request path to the handler mounted on its longest matching prefix. A prefix
// matches whole segments: "/echo" serves "/echo" and "/echo/x" but not "/echoes".
// Filled before the workers start, then only read: safe to share between threads.
class Router
{
public:
    Router();
    ~Router();
    void mount(const QString &prefix, std::shared_ptr<Handler> handler);
    void setFallback(std::shared_ptr<Handler> handler);
    Handler *route(const QString &path) const;

private:
    struct Mount
    {
        QString prefix;
        std::shared_ptr<Handler> handler;
    };
    QList<Mount> m_mounts; // longest prefix first
    std::shared_ptr<Handler> m_fallback;
};

} // namespace afcgi
