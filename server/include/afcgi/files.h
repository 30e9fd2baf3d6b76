#pragma once
// Files as responses: handed to the front end to send (nginx's X-Accel-Redirect, Apache's and
// lighttpd's X-Sendfile), so a large download never passes through afcgid, or streamed by
// afcgid itself, with Range and If-Modified-Since, where the front end cannot.

#include <afcgi/afcgi_global.h>

#include <QByteArray>
#include <QString>

namespace afcgi {

class Request;

/// Who sends the file's bytes.
enum class FileDelivery {
    /// afcgid reads and sends the file: Last-Modified, If-Modified-Since (304), a single
    /// Range (206, or 416), HEAD, and flow control (a slow client never fills memory).
    Direct,
    /// `X-Accel-Redirect: <accelPrefix><path below accelRoot>`; nginx serves it from an
    /// `internal` location that maps accelPrefix to accelRoot (its own Range, caching, ...).
    AccelRedirect,
    /// `X-Sendfile: <absolute path>` for Apache's mod_xsendfile and lighttpd.
    Sendfile,
};

/// How sendFile() answers.
struct SendFileOptions
{
    FileDelivery delivery = FileDelivery::Direct; ///< who sends the bytes
    QString accelRoot;      ///< AccelRedirect: the directory the internal location serves
    QByteArray accelPrefix; ///< AccelRedirect: that location's URI, e.g. "/protected/"
    QByteArray contentType; ///< empty: application/octet-stream
    /// Non-empty: `Content-Disposition: attachment` with this name (a download, not a page).
    QString downloadName;
};

/// Answers with the file at `path`. A file that does not exist or is not a regular file gets
/// `404`; one that cannot be read, `403`; with AccelRedirect, a path outside accelRoot, `403`.
/// With Direct, the file is read as the client takes it: the request ends by itself when it
/// is all sent, or when the client goes away.
AFCGI_EXPORT void sendFile(Request *request, const QString &path, const SendFileOptions &options = {});

} // namespace afcgi
