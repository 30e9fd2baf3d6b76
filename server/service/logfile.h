#pragma once
// Platform code: the service log (stderr) appended to a file, --log-file.

#include <QString>

namespace afcgi {

// Reopens stderr on `path`, appending, written a line at a time (Unix) or unbuffered (Windows,
// whose C runtime has no line buffering). Called again after logrotate has moved the file.
bool appendStderrTo(const QString &path);

} // namespace afcgi
