#pragma once
// A request for a CGI program: which program runs, with what environment. One handler per
// [cgi /prefix] section, and one for --cgi-root (the router's fallback: the web server decides
// which requests come, and names the script in SCRIPT_FILENAME).

#include <afcgi/handler.h>

#include "config/cgiconfig.h"
#include "handlers/cgi/childprocess.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace afcgi {

class CgiBridge;

// What one run of a CGI program is.
struct CgiInvocation
{
    ChildSpec spec;
    QString programName; // for the log, /status and the monitor: the file's name
    QString mount;       // "/git", or "cgi-root"
    int pool = 0;        // its CgiLimiter pool
    int timeoutMs = 0;   // 0: no limit
    bool nph = false;    // a non-parsed-header program (its file name starts with "nph-")
};

class CgiHandler final : public Handler
{
public:
    // The program of a [cgi /prefix] section.
    CgiHandler(CgiBridge *bridge, CgiMount mount, int pool);
    // Scripts under --cgi-root.
    CgiHandler(CgiBridge *bridge, int pool);

    void handle(Request *request) override;

    // The run for `path` (percent-decoded) and `query`: the request's own, or a local
    // redirect's. Without one, `status` (403, 404) and `why` say why not.
    std::optional<CgiInvocation> invocationFor(const Request *request, const QString &path,
                                               const QByteArray &query, bool redirected,
                                               int *status, QString *why) const;

private:
    CgiBridge *m_bridge;
    std::optional<CgiMount> m_mount; // none: --cgi-root
    int m_pool;
};

} // namespace afcgi
