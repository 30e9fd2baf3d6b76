#pragma once
// The CGI bridge: what replaces fcgiwrap. Built from the configuration (--cgi-root, [cgi /prefix]
// sections), it mounts a CgiHandler per section and, with roots, one as the router's fallback;
// it holds what all requests share: the child limit and its queue, the table of running
// children, and the reaper that finishes children whose requests are gone. It reports in
// /status ("cgi") and /metrics (afcgi_cgi_*). Written against the public handler API.

#include "config/cgiconfig.h"
#include "handlers/cgi/cgichildtable.h"
#include "handlers/cgi/cgilimiter.h"
#include "handlers/cgi/cgiscriptresolver.h"
#include "handlers/statussource.h"

#include <memory>

namespace afcgi {

class ChildReaper;
class Router;

class CgiBridge final : public StatusSource
{
public:
    // How long a terminated process group has between SIGTERM and SIGKILL.
    static constexpr int kKillGraceMs = 3000;

    // On the thread whose event loop the reaper uses (the main thread). `bodyMemoryBytes`: how
    // much of a body not yet read by its program is kept in memory before a temporary file.
    CgiBridge(const CgiConfig &config, qint64 bodyMemoryBytes, int killGraceMs = kKillGraceMs);
    // Destroy after the engine (its requests hold pointers to this): children still running
    // are killed and reaped here.
    ~CgiBridge();

    bool isEnabled() const { return m_config.isEnabled(); }
    void mount(Router &router);

    const CgiConfig &config() const { return m_config; }
    qint64 bodyMemoryBytes() const { return m_bodyMemoryBytes; }
    CgiLimiter &limiter() { return m_limiter; }
    CgiChildTable &table() { return m_table; }
    ChildReaper &reaper() { return *m_reaper; }
    const CgiScriptResolver &resolver() const { return m_resolver; }

    QString statusKey() const override;
    QJsonObject status(bool full) const override;
    QByteArray metrics() const override;

private:
    const CgiConfig m_config;
    const qint64 m_bodyMemoryBytes;
    CgiLimiter m_limiter;
    CgiChildTable m_table;
    CgiScriptResolver m_resolver;
    std::unique_ptr<ChildReaper> m_reaper; // last: its destructor frees slots and table entries
};

} // namespace afcgi
