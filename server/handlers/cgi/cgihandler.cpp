#include "handlers/cgi/cgihandler.h"

#include <afcgi/request.h>

#include "config/logging.h"
#include "handlers/cgi/cgibridge.h"
#include "handlers/cgi/cgienvironment.h"
#include "handlers/cgi/cgisession.h"

#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace afcgi {

namespace {
constexpr int kNotFound = 404;
const QString kRootMount = QStringLiteral("cgi-root");

bool isNph(const QString &fileName)
{
    return fileName.startsWith(QLatin1String("nph-"));
}
} // namespace

CgiHandler::CgiHandler(CgiBridge *bridge, CgiMount mount, int pool)
    : m_bridge(bridge), m_mount(std::move(mount)), m_pool(pool)
{
}

CgiHandler::CgiHandler(CgiBridge *bridge, int pool) : m_bridge(bridge), m_pool(pool) {}

void CgiHandler::handle(Request *request)
{
    int status = 0;
    QString why;
    std::optional<CgiInvocation> invocation =
        invocationFor(request, request->path(), request->queryString(), false, &status, &why);
    if (!invocation) {
        qCInfo(lcCgi).noquote() << QStringLiteral("conn %1 request %2: %3: %4")
                                       .arg(request->connectionId()).arg(request->id()).arg(status).arg(why);
        request->respond(status, "text/plain", status == kNotFound ? "Not Found\n" : "Forbidden\n");
        return;
    }
    auto *session = new CgiSession(request, m_bridge, this, std::move(*invocation));
    session->start();
}

std::optional<CgiInvocation> CgiHandler::invocationFor(const Request *request, const QString &path,
                                                        const QByteArray &query, bool redirected,
                                                        int *status, QString *why) const
{
    const CgiConfig &config = m_bridge->config();
    CgiEnvironment environment(request->params());
    CgiInvocation invocation;
    invocation.pool = m_pool;
    invocation.timeoutMs = config.timeoutMs;
    if (redirected)
        environment.setRequestTarget(QUrl::toPercentEncoding(path, "/"), query);

    if (m_mount) {
        const QString &prefix = m_mount->prefix;
        const bool root = prefix == QLatin1String("/");
        if (!root && path != prefix && !path.startsWith(prefix + QLatin1Char('/'))) {
            *status = kNotFound;
            *why = QStringLiteral("%1 is not under %2").arg(path, prefix);
            return std::nullopt;
        }
        const QByteArray program = QFile::encodeName(m_mount->program);
        environment.setMountedScript(root ? QByteArray() : prefix.toUtf8(),
                                     path.mid(root ? 0 : prefix.size()).toUtf8(), program);
        environment.setAll(config.environment);
        environment.setAll(m_mount->environment);
        const QFileInfo info(m_mount->program);
        invocation.spec.program = program;
        invocation.spec.workingDirectory = QFile::encodeName(info.absolutePath());
        invocation.programName = info.fileName();
        invocation.mount = prefix;
        if (m_mount->timeoutMs >= 0)
            invocation.timeoutMs = m_mount->timeoutMs;
    } else {
        const QByteArray documentRoot = request->param("DOCUMENT_ROOT");
        QByteArray scriptFilename = request->param("SCRIPT_FILENAME");
        if (redirected) {
            // The new path names a script of its own under the same document root.
            if (documentRoot.isEmpty()) {
                *status = kNotFound;
                *why = QStringLiteral("a local redirect needs DOCUMENT_ROOT from the web server");
                return std::nullopt;
            }
            scriptFilename = documentRoot + path.toUtf8();
            environment.set("SCRIPT_NAME", path.toUtf8());
            environment.unset("PATH_INFO");
            environment.unset("PATH_TRANSLATED");
        }
        const CgiScript script =
            m_bridge->resolver().resolve(scriptFilename, documentRoot, request->param("SCRIPT_NAME"));
        if (script.status != 0) {
            *status = script.status;
            *why = script.reason;
            return std::nullopt;
        }
        environment.set("SCRIPT_FILENAME", script.requested);
        environment.setAll(config.environment);
        invocation.spec.program = script.program;
        invocation.spec.argv0 = script.requested;
        invocation.spec.workingDirectory = script.directory;
        invocation.programName = QFileInfo(QFile::decodeName(script.requested)).fileName();
        invocation.mount = kRootMount;
    }
    invocation.nph = isNph(invocation.programName);
    invocation.spec.environment = environment.toList();
    return invocation;
}

} // namespace afcgi
