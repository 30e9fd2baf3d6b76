#include "engine/requestpath.h"

#include <QStringList>
#include <QUrl>

namespace afcgi {

namespace {
// Removes "." and ".." segments (RFC 3986, 5.2.4) so that a mount's prefix cannot be escaped:
// "/static/../admin" is routed as "/admin", never above the root. Empty segments stay.
QString removeDotSegments(const QString &path)
{
    if (!path.contains(QLatin1String("/.")) && !path.startsWith(QLatin1Char('.')))
        return path; // the common case: nothing to remove
    const bool absolute = path.startsWith(QLatin1Char('/'));
    const QStringList segments = path.split(QLatin1Char('/'));
    QStringList kept;
    bool endsInDirectory = false; // "/a/b/.." names the directory "/a/"
    for (qsizetype i = absolute ? 1 : 0; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        const bool isLast = i == segments.size() - 1;
        if (segment == QLatin1String("..")) {
            if (!kept.isEmpty())
                kept.removeLast();
            endsInDirectory = isLast;
        } else if (segment == QLatin1String(".")) {
            endsInDirectory = isLast;
        } else {
            kept.append(segment);
            endsInDirectory = false;
        }
    }
    QString result = (absolute ? QStringLiteral("/") : QString()) + kept.join(QLatin1Char('/'));
    if (endsInDirectory && !result.endsWith(QLatin1Char('/')))
        result += QLatin1Char('/');
    return result;
}
} // namespace

QString decodeRequestPath(QByteArrayView uriOrPath)
{
    QByteArrayView path = uriOrPath;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    // Decoded first, as nginx does: "%2e%2e" is a ".." segment too.
    const QString decoded = path.contains('%') ? QUrl::fromPercentEncoding(path.toByteArray())
                                               : QString::fromUtf8(path);
    return removeDotSegments(decoded);
}

} // namespace afcgi
