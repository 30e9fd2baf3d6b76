#include "exports.h"

#include "completionmodel.h"
#include "logmodel.h"

#include <QDateTime>
#include <QSaveFile>

#include <algorithm>

namespace afcgi::gui::exports {

namespace {

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

QString csvField(const QString &value)
{
    QString field = value;
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!field.isEmpty() && formulaStarts.contains(field.front()))
        field.prepend(QLatin1Char('\''));
    static const QString needsQuotes = QStringLiteral(",\"\r\n");
    if (std::any_of(field.cbegin(), field.cend(), [](QChar c) { return needsQuotes.contains(c); })) {
        field.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        field = QLatin1Char('"') + field + QLatin1Char('"');
    }
    return field;
}

QString csvLine(const QStringList &fields)
{
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &field : fields)
        quoted.append(csvField(field));
    return quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
}

QString completionsCsv(const CompletionModel &model)
{
    QString csv = csvLine({QStringLiteral("ended"), QStringLiteral("connection"), QStringLiteral("request"),
                           QStringLiteral("method"), QStringLiteral("uri"), QStringLiteral("status"),
                           QStringLiteral("aborted"), QStringLiteral("duration_ms"), QStringLiteral("bytes_in"),
                           QStringLiteral("bytes_out")});
    for (int row = 0; row < model.rowCount(); ++row) {
        const monitor::RequestInfo &r = model.completionAt(row);
        csv += csvLine({isoUtc(r.startMs + r.durationMs), QString::number(r.connectionId),
                        QString::number(r.requestId), r.method, r.uri,
                        r.status ? QString::number(r.status) : QString(),
                        r.aborted ? QStringLiteral("true") : QStringLiteral("false"),
                        QString::number(r.durationMs), QString::number(r.bytesIn), QString::number(r.bytesOut)});
    }
    return csv;
}

QString logText(const LogModel &model)
{
    QString text;
    for (int row = 0; row < model.rowCount(); ++row)
        text += model.lineAt(row) + QLatin1Char('\n');
    return text;
}

QString requestDetails(const monitor::RequestInfo &request, bool ended, qint64 nowMs)
{
    QStringList lines{
        QStringLiteral("Request: %1 on connection %2").arg(request.requestId).arg(request.connectionId),
        QStringLiteral("Method: %1").arg(request.method),
        QStringLiteral("URI: %1").arg(request.uri),
    };
    if (!request.role.isEmpty())
        lines.append(QStringLiteral("Role: %1").arg(request.role));
    lines.append(QStringLiteral("Started: %1").arg(isoUtc(request.startMs)));
    if (ended) {
        lines.append(QStringLiteral("Duration: %1 ms").arg(request.durationMs));
        lines.append(QStringLiteral("Status: %1%2")
                         .arg(request.status ? QString::number(request.status) : QStringLiteral("none sent"),
                              request.aborted ? QStringLiteral(" (aborted)") : QString()));
    } else {
        lines.append(QStringLiteral("Age: %1 ms (still running)").arg(qMax<qint64>(0, nowMs - request.startMs)));
    }
    lines.append(QStringLiteral("Bytes in: %1").arg(request.bytesIn));
    lines.append(QStringLiteral("Bytes out: %1").arg(request.bytesOut));
    if (!request.note.isEmpty())
        lines.append(QStringLiteral("Note: %1").arg(request.note));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

bool writeTextFile(const QString &path, const QString &text, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        *error = file.errorString();
        file.cancelWriting();
        return false;
    }
    return true;
}

} // namespace afcgi::gui::exports
