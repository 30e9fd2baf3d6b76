#pragma once
// Small answers every application gives: errors with a short reason, and redirects.

#include <afcgi/afcgi_global.h>

#include <QByteArrayView>

namespace afcgi {

class Request;

/// Answers `status` with a short plain-text reason ("missing field: title") and a line end:
/// what the library itself says in its 400s and 413s. Unless the response has started.
AFCGI_EXPORT void respondError(Request *request, int status, QByteArrayView reason);

/// Redirects the client to `location` (an absolute URL, or a path on this site) with `status`
/// (302 Found by default; 301, 303, 307 and 308 are the others that make sense).
AFCGI_EXPORT void redirect(Request *request, QByteArrayView location, int status = 302);

} // namespace afcgi
