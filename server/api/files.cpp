#include <afcgi/files.h>

#include <afcgi/request.h>
#include <afcgi/response.h>

#include "api/filestreamer.h"
#include "web/byterange.h"
#include "web/httpdate.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace afcgi {

namespace {
// attachment; filename="plain ASCII"; filename*=UTF-8''percent-encoded (RFC 6266).
QByteArray contentDisposition(const QString &name)
{
    QByteArray ascii;
    for (QChar c : name)
        ascii.append(c.unicode() >= 0x20 && c.unicode() < 0x7f && c != QLatin1Char('"') && c != QLatin1Char('\\')
                         ? char(c.unicode())
                         : '_');
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + QUrl::toPercentEncoding(name);
}

void setCommonHeaders(Request *request, const SendFileOptions &options)
{
    request->setHeader("Content-Type",
                       options.contentType.isEmpty() ? QByteArrayView("application/octet-stream")
                                                     : QByteArrayView(options.contentType));
    if (!options.downloadName.isEmpty())
        request->setHeader("Content-Disposition", contentDisposition(options.downloadName));
}

void sendDirect(Request *request, const QFileInfo &info, const SendFileOptions &options)
{
    auto file = std::make_unique<QFile>(info.filePath());
    if (!file->open(QIODevice::ReadOnly))
        return respondError(request, 403, "forbidden");
    const qint64 size = file->size();
    // HTTP dates have whole seconds: compare those.
    const QDateTime modified = QDateTime::fromSecsSinceEpoch(info.lastModified().toSecsSinceEpoch(), Qt::UTC);
    const QByteArray lastModified = formatHttpDate(modified);

    const std::optional<QDateTime> since = parseHttpDate(request->paramView("HTTP_IF_MODIFIED_SINCE"));
    if (since && modified <= *since) {
        request->setStatus(304);
        request->setHeader("Last-Modified", lastModified);
        request->end();
        return;
    }
    ByteRange range{0, size - 1};
    RangeOutcome outcome = RangeOutcome::Whole;
    const QByteArrayView rangeHeader = request->paramView("HTTP_RANGE");
    // If-Range with a date: the range only if the file has not changed since (else the whole).
    const QByteArrayView ifRange = request->paramView("HTTP_IF_RANGE");
    if (!rangeHeader.isEmpty() && (ifRange.isEmpty() || ifRange == QByteArrayView(lastModified)))
        outcome = resolveRange(rangeHeader, size, &range);
    if (outcome == RangeOutcome::Unsatisfiable) {
        request->setHeader("Content-Range", "bytes */" + QByteArray::number(size));
        return respondError(request, 416, "range not satisfiable");
    }
    setCommonHeaders(request, options);
    request->setHeader("Last-Modified", lastModified);
    request->setHeader("Accept-Ranges", "bytes");
    if (outcome == RangeOutcome::Partial) {
        request->setStatus(206);
        request->setHeader("Content-Range", "bytes " + QByteArray::number(range.first) + '-'
                                                + QByteArray::number(range.last) + '/' + QByteArray::number(size));
    } else {
        request->setStatus(200);
        range = {0, size - 1};
    }
    request->setHeader("Content-Length", QByteArray::number(range.length()));
    if (request->method() == "HEAD" || range.length() == 0) {
        request->end();
        return;
    }
    auto *streamer = new FileStreamer(request, std::move(file), range.first, range.length());
    streamer->start();
}

void sendAccel(Request *request, const QFileInfo &info, const SendFileOptions &options)
{
    const QString root = QFileInfo(options.accelRoot).canonicalFilePath();
    const QString path = info.canonicalFilePath();
    if (root.isEmpty() || !path.startsWith(root + QLatin1Char('/')))
        return respondError(request, 403, "forbidden");
    const QString relative = path.sliced(root.size() + 1);
    QByteArray uri = options.accelPrefix;
    if (!uri.endsWith('/'))
        uri += '/';
    uri += QUrl::toPercentEncoding(relative, "/");
    setCommonHeaders(request, options);
    request->setHeader("X-Accel-Redirect", uri);
    request->setStatus(200);
    request->end();
}

void sendByFrontEnd(Request *request, const QFileInfo &info, const SendFileOptions &options)
{
    setCommonHeaders(request, options);
    request->setHeader("X-Sendfile", info.canonicalFilePath().toUtf8());
    request->setStatus(200);
    request->end();
}
} // namespace

void sendFile(Request *request, const QString &path, const SendFileOptions &options)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        return respondError(request, 404, "not found");
    if (!info.isReadable())
        return respondError(request, 403, "forbidden");
    switch (options.delivery) {
    case FileDelivery::Direct: return sendDirect(request, info, options);
    case FileDelivery::AccelRedirect: return sendAccel(request, info, options);
    case FileDelivery::Sendfile: return sendByFrontEnd(request, info, options);
    }
}

} // namespace afcgi
