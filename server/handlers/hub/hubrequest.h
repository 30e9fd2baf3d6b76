#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace afcgi {

class Request;

// The small parsing both hub handlers share.
namespace hubrequest {

// The part of the request's path after `prefix` and a '/', or a null array when there is none.
QByteArray tail(const Request *request, const QString &prefix);
// A JSON error body {"error": reason} with `status`.
void fail(Request *request, int status, const QString &reason);
// The id a subscriber resumes after: Last-Event-ID, else ?last_id=, else If-None-Match
// (without W/ and quotes). Empty when none was given.
QByteArray resumeId(const Request *request);

} // namespace hubrequest
} // namespace afcgi
