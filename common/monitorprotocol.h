#pragma once
// The monitor wire format: newline-delimited JSON between afcgid and afcgi-monitor (or socat).
// One object per line with a "type" (server → client) or a "cmd" (client → server).
// See MONITOR_PROTOCOL.md beside this file for the fields and a captured session.

#include "linesplitter.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <array>
#include <optional>
#include <utility>
#include <variant>

namespace afcgi::monitor {

constexpr int kProtocolVersion = 1;

// The per-user default name of the monitor socket, shared by afcgid and afcgi-monitor.
// A plain name: QLocalServer puts it in the temp dir on Unix and makes a named pipe on Windows.
QString defaultSocketName();

// A prefix the server serves, and who mounted it (r4).
struct Route
{
    QString prefix;  // "/hello", "/notes"
    QString app;     // "builtin", "hub", or the name of the application plugin that mounted it
    QString plugin;  // the application's plugin file; empty unless a plugin mounted it
    QStringList patterns; // its router's routes, "GET /notes/{id:int}"; empty for a plain handler
};

struct Hello
{
    int protocol = kProtocolVersion;
    QString serverVersion;
    qint64 pid = 0;
    qint64 startTimeMs = 0; // ms since the epoch
    QStringList listeners;
    int threads = 0;
    int tickIntervalMs = 0;
    // Limits, by the names of afcgid's flags ("max-conns" → 10000, ...).
    QList<QPair<QString, qint64>> limits;
    // Added in revision 2 (optional on the wire; empty = not told, an older server):
    QString logLevel; // the service's log level when the monitor attached
    // Revision 4: whether this channel takes admin commands (absent: an older server, which
    // takes only set-log-level and snapshot).
    std::optional<bool> admin;
    // Revision 5 (optional; nullopt = not told): what is mounted, ordered by prefix.
    std::optional<QList<Route>> routes;
};

// One request as the monitor sees it: when it began, or when it ended.
struct RequestInfo
{
    quint64 connectionId = 0;
    quint16 requestId = 0;
    QString role;          // "RESPONDER", "AUTHORIZER", "FILTER"
    QString method;
    QString uri;
    qint64 startMs = 0;    // ms since the epoch
    // Set once the request has ended (or, in a snapshot, so far):
    int status = 0;        // HTTP status; 0 = none sent
    qint64 durationMs = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    bool aborted = false;
    // What its handler says it is doing (Request::setNote(); the CGI bridge: "cgi pid 4242
    // git-http-backend"), in a snapshot; empty = nothing said. Optional on the wire ("note").
    QString note;
};

struct ConnectionInfo
{
    quint64 connectionId = 0;
    QString peer;
    QString listener;
    qint64 openedMs = 0;   // ms since the epoch
    qint64 queuedBytes = 0;
};

// The state at connect time (and on {"cmd":"snapshot"}).
struct Snapshot
{
    QList<RequestInfo> requests;
    QList<ConnectionInfo> connections;
};

// Ended requests by the class of the HTTP status they sent: [0] none, [1] 1xx … [5] 5xx.
// On the wire an object with the keys "none", "1xx" … "5xx".
template<typename T>
using ByStatus = std::array<T, 6>;
inline constexpr const char *kStatusClassNames[] = { "none", "1xx", "2xx", "3xx", "4xx", "5xx" };

struct Totals
{
    qint64 requests = 0;     // ended
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 errors = 0;       // 5xx answers + protocol errors
    qint64 aborts = 0;
    qint64 connectionsOpen = 0;
    qint64 requestsActive = 0;
    // Revision 2 (0 from an older server):
    ByStatus<qint64> byStatus = {};
    qint64 connectionsWaiting = 0; // accepted over max-conns, waiting for a slot
    qint64 requestsWaiting = 0;    // over max-requests-per-conn, waiting in a request queue
    qint64 logLines = 0;           // lines the service's log wrote
    qint64 logBytes = 0;
};

struct Rates // per second over the last tick
{
    double requests = 0;
    double bytesIn = 0;
    double bytesOut = 0;
    double errors = 0;
    double aborts = 0;
    // Revision 2:
    ByStatus<double> byStatus = {};
    double logLines = 0;
    double logBytes = 0;
};

// One histogram bucket (latencybuckets.h) and how many requests of the tick fell in it.
struct LatencyBucket
{
    int bucket = 0;
    qint64 count = 0;
};

struct Latency // of the requests that ended during the tick, in ms
{
    qint64 count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
    // Revision 2: the non-empty buckets, by bucket; empty from an older server. Summed over
    // several ticks they give percentiles over a longer window.
    QList<LatencyBucket> buckets;
};

// How busy one connection is at the tick, counted by its worker at that moment (a gauge, exact
// at any request rate, unlike began/ended events, which are capped).
struct ConnectionGauge
{
    quint64 connectionId = 0;
    qint64 requests = 0;        // in flight (their handlers run), waiting ones not included
    qint64 waiting = 0;         // admitted over max-requests-per-conn, waiting for a slot
    QList<quint16> requestIds;  // a sample: the lowest ids in flight, at most kMaxGaugeIds
};

// Progress of one active request at the tick: what it has moved so far.
struct RequestProgress
{
    quint64 connectionId = 0;
    quint16 requestId = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    int status = 0;       // HTTP status sent so far; 0 = none yet
    bool aborted = false; // the web server gave up on it; its handler has not ended it yet
    QString note;         // its handler's note now (optional on the wire); empty = none
};

// A channel of the publish/subscribe hub, as the monitor's Channels view shows it (r3).
struct ChannelGauge
{
    QString name;
    qint64 subscribers = 0;
    double messagesPerSecond = 0;
    qint64 messages = 0;   // published since the channel was created
    QString lastId;        // "epoch:sequence"; empty before its first message
};

// (r6) One worker thread at a tick (in tick.workers), read on that thread when the tick samples it.
struct WorkerGauge
{
    int worker = 0;          // its index, from 0
    qint64 connections = 0;  // open on it now
    qint64 inFlight = 0;     // requests in flight on it now
    qint64 requests = 0;     // requests it has ended since the service started (rates: the difference)
    qint64 cpuMs = 0;        // CPU time the thread has used since it started
    qint64 lagMs = 0;        // how long the tick's sampling call waited for its event loop
    // (r7) Turns of its loop that ran past --blocked-turn-ms (a handler blocked it), since the start.
    qint64 blocked = 0;
};

// (r7) One mounted route's traffic at a tick (in tick.routes), by its prefix in hello.routes.
struct RouteTraffic
{
    QString prefix;
    qint64 requests = 0;      // ended since the service started
    qint64 errors = 0;        // of those, answered with a 5xx
    qint64 aborts = 0;        // of those, aborted
    qint64 blocked = 0;       // stalls of a worker's loop while this route's handler ran
    double rate = 0;          // requests ended per second over the tick's interval
    qint64 count = 0;         // requests ended during the interval
    double p50 = 0;           // their latency in ms (0 when count is 0)
    double p99 = 0;
};

constexpr int kMaxGaugeIds = 16;

struct Tick
{
    quint64 seq = 0;
    qint64 timeMs = 0;
    qint64 intervalMs = 0;
    Totals totals;
    Rates rates;
    Latency latency;
    QList<RequestInfo> began;
    QList<RequestInfo> ended;
    qint64 beganDropped = 0;   // left out by the cap
    qint64 endedDropped = 0;
    QList<ConnectionInfo> connectionsOpened;
    QList<quint64> connectionsClosed;
    qint64 connectionsDropped = 0;
    QList<ConnectionInfo> queued; // connections with output queued now (queuedBytes > 0), capped
    // Added for the GUI: requests whose abort arrived during the tick but whose handler has not
    // ended them yet (still active), so the monitor can mark them. Capped like `began`; optional
    // on the wire ("aborted", default empty).
    QList<RequestInfo> aborted;

    // Revision 2 (optional on the wire; absent = not told, an older server):
    QString state;          // "running" or "draining"; empty = not told
    qint64 drainLeftMs = 0; // while draining: what is left of the shutdown grace
    QString logLevel;       // the service's log level now; empty = not told
    // Every connection with a request in flight or waiting, sampled at the tick (capped);
    // nullopt when the server does not sample them. A connection not listed is idle.
    std::optional<QList<ConnectionGauge>> inFlight;
    qint64 inFlightDropped = 0; // busy connections the cap left out
    // The longest-running active requests (capped) with their bytes so far.
    QList<RequestProgress> active;

    // Revision 3 (optional): the hub's busiest channels (capped); nullopt without a hub.
    std::optional<QList<ChannelGauge>> channels;
    qint64 channelsDropped = 0; // channels the cap left out
    // (r6) The listeners an operator paused (pause-listener), by their names in hello; absent =
    // not told (an older server), empty = none paused.
    std::optional<QStringList> pausedListeners;
    // (r6) Every worker thread, in index order; absent = not told.
    std::optional<QList<WorkerGauge>> workers;
    // (r7) Every mounted route that has ended a request or blocked a worker, in the order of
    // hello.routes; absent = not told (an older server); a route not listed has had no traffic.
    std::optional<QList<RouteTraffic>> routes;
};

struct LogEntry
{
    qint64 timeMs = 0;
    QString level;    // "debug", "info", "warning", "error"
    QString category;
    QString message;
};

struct LogBatch
{
    QList<LogEntry> entries;
    qint64 dropped = 0; // lines the rate limit left out since the previous batch
};

// One setting of the effective configuration (the answer to `config`, revision 4).
struct Setting
{
    QString key;    // afcgid's flag / INI key: "max-conns"
    QString value;  // as it would be written on the command line
    QString origin; // "default", "command line", "config file", "environment", "reload", "monitor"
    bool live = false; // set-limit can change it while the service runs
};

struct Ack
{
    Ack() = default;
    explicit Ack(QString command, QString what = {}) : cmd(std::move(command)), message(std::move(what)) {}

    QString cmd;
    // Revision 4: what was done, in words ("max-conns 10000 → 50"), and for `config` the
    // settings. Empty when not told.
    QString message;
    QList<Setting> settings;
};

struct Error
{
    Error() = default;
    explicit Error(QString why, QString command = {}) : message(std::move(why)), cmd(std::move(command)) {}

    QString message;
    QString cmd; // revision 4: the command it answers; empty when not told or not understood
};

using Message = std::variant<Hello, Snapshot, Tick, LogBatch, Ack, Error>;

struct Command
{
    Command() = default;
    // Not explicit: {"set-log-level", "debug"} reads as it did when this was an aggregate.
    Command(QString command, QString logLevel = {}) : cmd(std::move(command)), level(std::move(logLevel)) {}

    QString cmd;        // "set-log-level", "snapshot", and the admin commands (revision 4)
    QString level;      // for set-log-level
    // For the admin commands: which connection, request or listener; which limit and its new
    // value. Absent fields stay nullopt / empty; each command says which it needs.
    std::optional<quint64> connectionId; // abort-request, close-connection
    std::optional<quint16> requestId;    // abort-request
    QString listener;                    // pause-listener, resume-listener
    QString limit;                       // set-limit
    std::optional<qint64> value;         // set-limit
};

// Encoding: one compact JSON object and a '\n'.
QByteArray encode(const Message &message);
QByteArray encode(const Command &command);
QJsonObject toJson(const Message &message);

// Decoding one line (without its '\n'); nullopt and a reason for anything malformed.
std::optional<Message> decodeMessage(QByteArrayView line, QString *error = nullptr);
std::optional<Command> decodeCommand(QByteArrayView line, QString *error = nullptr);

} // namespace afcgi::monitor
