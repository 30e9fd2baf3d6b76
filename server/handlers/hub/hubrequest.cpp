#include "handlers/hub/hubrequest.h"

#include <afcgi/request.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace afcgi::hubrequest {

QByteArray tail(const Request *request, const QString &prefix)
{
    const QString path = request->path();
    QString base = prefix;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    if (!path.startsWith(base + QLatin1Char('/')) || path.size() == base.size() + 1)
        return {};
    return path.mid(base.size() + 1).toUtf8();
}

void fail(Request *request, int status, const QString &reason)
{
    request->setHeader("Cache-Control", "no-store");
    request->respond(status, "application/json",
                     QJsonDocument(QJsonObject{{QStringLiteral("error"), reason}})
                             .toJson(QJsonDocument::Compact) + '\n');
}

QByteArray resumeId(const Request *request)
{
    QByteArray id = request->param("HTTP_LAST_EVENT_ID");
    if (id.isEmpty())
        id = request->queryValue("last_id");
    if (id.isEmpty()) {
        id = request->param("HTTP_IF_NONE_MATCH").trimmed();
        if (id.startsWith("W/"))
            id = id.mid(2);
        if (id.size() >= 2 && id.startsWith('"') && id.endsWith('"'))
            id = id.mid(1, id.size() - 2);
    }
    return id.trimmed();
}

} // namespace afcgi::hubrequest
