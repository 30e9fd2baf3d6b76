#pragma once
// A built-in that has something of its own to report in /status and /metrics (the CGI bridge's
// children, ...). Called on any worker thread: implementations are thread-safe.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace afcgi {

class StatusSource
{
public:
    // The key of its object in /status, e.g. "cgi".
    virtual QString statusKey() const = 0;
    // Its object in /status; `full` for /status?full=1 (lists, not just counts).
    virtual QJsonObject status(bool full) const = 0;
    // Its families in the Prometheus text format, "# HELP"/"# TYPE" lines included.
    virtual QByteArray metrics() const = 0;

protected:
    ~StatusSource() = default;
};

} // namespace afcgi
