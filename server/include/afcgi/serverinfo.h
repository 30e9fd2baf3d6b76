#pragma once

#include <afcgi/afcgi_global.h>
#include <afcgi/fastcgi.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace afcgi {

// The value types below are plain structs. Before the first release (1.0) they may still gain
// fields; from 1.0 on, a field is only ever added with a new SONAME.

/// Totals since the server started, summed over its worker threads.
struct ServerCounters
{
    qint64 connectionsOpen = 0;        ///< web-server connections open now
    qint64 connectionsTotal = 0;       ///< accepted since the start
    qint64 requestsActive = 0;         ///< requests in flight now
    qint64 requestsTotal = 0;          ///< begun since the start
    qint64 requestsByStatusClass[6] = {}; ///< [1..5] = 1xx..5xx, [0] = ended without a status
    qint64 aborted = 0;                ///< requests the web server aborted
    qint64 bytesIn = 0;                ///< bytes read from web servers
    qint64 bytesOut = 0;               ///< bytes written to web servers
    qint64 protocolErrors = 0;         ///< connections closed for a malformed FastCGI stream
    qint64 queuedOutputBytes = 0;      ///< response bytes waiting for a slow reader
    qint64 latencyMicrosTotal = 0;     ///< sum of request durations
};

/// The limits in force (SIGHUP may change them).
struct ServerLimits
{
    int maxConns = 0;                  ///< --max-conns
    int maxRequestsPerConn = 0;        ///< --max-reqs: requests in flight on one connection
    qint64 maxParamsBytes = 0;         ///< --max-params-bytes: one request's PARAMS
    qint64 maxBodyBytes = 0;           ///< --max-body-bytes: one request's body
    int idleTimeoutMs = 0;             ///< an idle connection is closed after this
    qint64 outputHighWaterBytes = 0;   ///< Request::canWrite() turns false past this
    qint64 connectionOutputCapBytes = 0; ///< output queued on one connection, at most
    qint64 bodyMemoryBytes = 0;        ///< /echo keeps this much of a body in memory, then spools
};

/// One request in flight.
struct ActiveRequestInfo
{
    quint64 connectionId = 0;          ///< as Request::connectionId()
    quint16 requestId = 0;             ///< the FastCGI request id
    Role role = Role::Responder;       ///< the role it plays
    QByteArray method;                 ///< REQUEST_METHOD
    QByteArray uri;                    ///< as Request::requestUri()
    qint64 ageMs = 0;                  ///< since BEGIN_REQUEST
    QString peer;                      ///< the web server's address
    qint64 bytesIn = 0;                ///< body bytes received
    qint64 bytesOut = 0;               ///< body bytes sent
    int status = 0;                    ///< 0 until its headers are sent
    bool aborted = false;              ///< the web server aborted it
    QString note;                      ///< what its handler says it is doing (Request::setNote())
};

/// What one mounted route (a prefix, as the monitor lists it) did since the server started,
/// summed over the worker threads.
struct RouteStats
{
    QString prefix;                    ///< "/hello", "/notes": requests count under the longest
    qint64 requests = 0;               ///< ended
    qint64 errors = 0;                 ///< ended with a 5xx answer
    qint64 aborted = 0;                ///< aborted (by the web server, its going away, an operator)
    qint64 blocked = 0;                ///< turns of a worker's loop over --blocked-turn-ms in its handler
    qint64 latencyMicrosTotal = 0;     ///< sum of its requests' durations
    QList<qint64> durationHistogram;   ///< as ServerInfo::durationHistogram(), for this route
};

/// The running server as a handler may see it: what /status and /metrics report. Thread-safe.
class AFCGI_EXPORT ServerInfo
{
public:
    virtual ServerCounters counters() const = 0;   ///< read without locks: a moment's totals
    virtual ServerLimits limits() const = 0;       ///< the limits in force
    virtual QStringList listenerNames() const = 0; ///< "127.0.0.1:9000", "unix:/run/x.sock", ...
    virtual int workerCount() const = 0;           ///< worker threads, each with its event loop
    virtual QDateTime startTime() const = 0;       ///< when start() began listening
    virtual qint64 uptimeMs() const = 0;           ///< since startTime()
    /// How many requests took at most each of `upperBoundsSeconds` (ascending), then how many
    /// there were in all: the cumulative buckets of a Prometheus histogram.
    virtual QList<qint64> durationHistogram(const QList<double> &upperBoundsSeconds) const = 0;
    /// Asks every worker thread for its requests in flight; `done` runs on `context`'s thread
    /// once all have answered (not at all if `context` is deleted first).
    virtual void collectActiveRequests(
        QObject *context, std::function<void(const QList<ActiveRequestInfo> &)> done) const = 0;
    /// Every mounted route's counters, read without locks; durationHistogram as above.
    virtual QList<RouteStats> routeStats(const QList<double> &upperBoundsSeconds) const = 0;
    /// By worker index: turns of its event loop that ran past --blocked-turn-ms.
    virtual QList<qint64> blockedTurns() const = 0;

protected:
    ~ServerInfo() = default;
};

} // namespace afcgi
