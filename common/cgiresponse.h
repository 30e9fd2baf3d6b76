#pragma once
// Parser of a CGI-style response, as a FastCGI responder writes it to FCGI_STDOUT:
// header lines, a blank line, then the body (RFC 3875 section 6).

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <optional>

namespace afcgi {

struct CgiResponse
{
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers; // in order, names as sent, values trimmed
    QByteArray body;

    // The first header with this name (case-insensitive); empty when absent.
    QByteArray header(QByteArrayView name) const;
};

// The header block ends at the first blank line ("\r\n\r\n" or "\n\n"; a response that starts
// with a blank line has no headers). "Status: 404 Not Found" sets the status; without a Status
// header it is 200, or 302 when a Location header is present (a CGI client redirect).
// Returns std::nullopt when the header block is not terminated, a header line has no colon, or
// the Status value does not start with a three-digit code.
std::optional<CgiResponse> parseCgiResponse(const QByteArray &stdoutBytes);

} // namespace afcgi
