#pragma once
// The monitor wire format: newline-delimited JSON between afcgid and afcgi-monitor (or socat).
// One object per line with a "type" (server → client) or a "cmd" (client → server).
// See MONITOR_PROTOCOL.md beside this file for the fields and a captured session.

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

namespace afcgi::monitor {

constexpr int kProtocolVersion = 1;

// The per-user default name of the monitor socket, shared by afcgid and afcgi-monitor.
// A plain name: QLocalServer puts it in the temp dir on Unix and makes a named pipe on Windows.
QString defaultSocketName();

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

struct Totals
{
    qint64 requests = 0;     // ended
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 errors = 0;       // 5xx answers + protocol errors
    qint64 aborts = 0;
    qint64 connectionsOpen = 0;
    qint64 requestsActive = 0;
};

struct Rates // per second over the last tick
{
    double requests = 0;
    double bytesIn = 0;
    double bytesOut = 0;
    double errors = 0;
    double aborts = 0;
};

struct Latency // of the requests that ended during the tick, in ms
{
    qint64 count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
};

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

struct Ack
{
    QString cmd;
};

struct Error
{
    QString message;
};

using Message = std::variant<Hello, Snapshot, Tick, LogBatch, Ack, Error>;

struct Command
{
    QString cmd;        // "set-log-level", "snapshot"
    QString level;      // for set-log-level
};

// Encoding: one compact JSON object and a '\n'.
QByteArray encode(const Message &message);
QByteArray encode(const Command &command);
QJsonObject toJson(const Message &message);

// Decoding one line (without its '\n'); nullopt and a reason for anything malformed.
std::optional<Message> decodeMessage(QByteArrayView line, QString *error = nullptr);
std::optional<Command> decodeCommand(QByteArrayView line, QString *error = nullptr);

// Splits a byte stream into lines, as the FastCGI decoder splits records: feed(), then next()
// until nullopt. A line longer than the limit is an error (sticky).
class LineSplitter
{
public:
    explicit LineSplitter(qsizetype maxLineBytes = 16 * 1024 * 1024) : m_maxLine(maxLineBytes) {}
    void feed(QByteArrayView bytes);
    std::optional<QByteArray> next();
    bool hasError() const { return m_error; }

private:
    QByteArray m_buffer;
    qsizetype m_readPos = 0;
    qsizetype m_scanPos = 0; // bytes before this (from m_readPos) are known to hold no '\n'
    qsizetype m_maxLine;
    bool m_error = false;
};

} // namespace afcgi::monitor
