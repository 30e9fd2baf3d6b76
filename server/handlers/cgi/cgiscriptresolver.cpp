#include "handlers/cgi/cgiscriptresolver.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace afcgi {

namespace {
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;

QString withSlash(QString path)
{
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    return path;
}
} // namespace

CgiScriptResolver::CgiScriptResolver(const QStringList &roots)
{
    for (const QString &root : roots) {
        const QString canonical = QFileInfo(root).canonicalFilePath();
        if (canonical.isEmpty() || !QFileInfo(canonical).isDir())
            continue;
        m_roots.append(withSlash(canonical));
        m_writtenRoots.append(withSlash(QDir::cleanPath(QFileInfo(root).absoluteFilePath())));
        m_writtenRoots.append(withSlash(canonical));
    }
}

bool CgiScriptResolver::isUnder(const QString &path, const QStringList &roots)
{
    for (const QString &root : roots) {
        if (path.startsWith(root))
            return true;
    }
    return false;
}

CgiScript CgiScriptResolver::resolve(const QByteArray &scriptFilename, const QByteArray &documentRoot,
                                     const QByteArray &scriptName) const
{
    CgiScript script;
    script.requested = scriptFilename;
    if (script.requested.isEmpty() && !documentRoot.isEmpty() && !scriptName.isEmpty())
        script.requested = documentRoot + (documentRoot.endsWith('/') || scriptName.startsWith('/') ? "" : "/")
                           + scriptName;
    if (script.requested.isEmpty()) {
        script.status = kNotFound;
        script.reason = QStringLiteral("no SCRIPT_FILENAME (nor DOCUMENT_ROOT and SCRIPT_NAME) from the web server");
        return script;
    }
    const QString requested = QFile::decodeName(script.requested);
    if (requested.contains(QChar(0)) || !QDir::isAbsolutePath(requested)) {
        script.status = kForbidden;
        script.reason = QStringLiteral("%1 is not an absolute path").arg(requested);
        return script;
    }
    // First as written, so that nothing outside the roots is even looked at; then as it
    // resolves, so that a symbolic link cannot lead out of them.
    if (!isUnder(QDir::cleanPath(requested), m_writtenRoots)) {
        script.status = kForbidden;
        script.reason = QStringLiteral("%1 is not under a --cgi-root").arg(requested);
        return script;
    }
    const QFileInfo info(requested);
    const QString resolved = info.canonicalFilePath();
    if (resolved.isEmpty()) {
        script.status = kNotFound;
        script.reason = QStringLiteral("%1 does not exist").arg(requested);
        return script;
    }
    if (!isUnder(resolved, m_roots)) {
        script.status = kForbidden;
        script.reason = QStringLiteral("%1 resolves to %2, outside every --cgi-root").arg(requested, resolved);
        return script;
    }
    const QFileInfo target(resolved);
    if (!target.isFile()) {
        script.status = kForbidden;
        script.reason = QStringLiteral("%1 is not a regular file").arg(resolved);
        return script;
    }
    if (!target.isExecutable()) {
        script.status = kForbidden;
        script.reason = QStringLiteral("%1 is not executable").arg(resolved);
        return script;
    }
    script.program = QFile::encodeName(resolved);
    script.directory = QFile::encodeName(target.absolutePath());
    return script;
}

} // namespace afcgi
