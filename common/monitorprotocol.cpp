#include "monitorprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>
#include <limits>
#include <type_traits>

namespace afcgi::monitor {

namespace {

// ---- encoding --------------------------------------------------------------------------------

QJsonObject requestToJson(const RequestInfo &r)
{
    return QJsonObject{
        { QStringLiteral("connection_id"), qint64(r.connectionId) },
        { QStringLiteral("request_id"), int(r.requestId) },
        { QStringLiteral("role"), r.role },
        { QStringLiteral("method"), r.method },
        { QStringLiteral("uri"), r.uri },
        { QStringLiteral("start_ms"), r.startMs },
        { QStringLiteral("status"), r.status },
        { QStringLiteral("duration_ms"), r.durationMs },
        { QStringLiteral("bytes_in"), r.bytesIn },
        { QStringLiteral("bytes_out"), r.bytesOut },
        { QStringLiteral("aborted"), r.aborted },
    };
}

QJsonObject connectionToJson(const ConnectionInfo &c)
{
    return QJsonObject{
        { QStringLiteral("connection_id"), qint64(c.connectionId) },
        { QStringLiteral("peer"), c.peer },
        { QStringLiteral("listener"), c.listener },
        { QStringLiteral("opened_ms"), c.openedMs },
        { QStringLiteral("queued_bytes"), c.queuedBytes },
    };
}

template<typename T, typename F>
QJsonArray arrayOf(const QList<T> &items, F toJson)
{
    QJsonArray out;
    for (const T &item : items)
        out.append(toJson(item));
    return out;
}

// The object without its "type"; encode() puts "type" first so that lines read well in socat.
struct BodyEncoder
{
    QJsonObject operator()(const Hello &h) const
    {
        QJsonObject limits;
        for (const auto &[name, value] : h.limits)
            limits.insert(name, value);
        return QJsonObject{
            { QStringLiteral("protocol"), h.protocol },
            { QStringLiteral("server_version"), h.serverVersion },
            { QStringLiteral("pid"), h.pid },
            { QStringLiteral("start_time_ms"), h.startTimeMs },
            { QStringLiteral("listeners"), QJsonArray::fromStringList(h.listeners) },
            { QStringLiteral("threads"), h.threads },
            { QStringLiteral("tick_interval_ms"), h.tickIntervalMs },
            { QStringLiteral("limits"), limits },
        };
    }
    QJsonObject operator()(const Snapshot &s) const
    {
        return QJsonObject{
            { QStringLiteral("requests"), arrayOf(s.requests, requestToJson) },
            { QStringLiteral("connections"), arrayOf(s.connections, connectionToJson) },
        };
    }
    QJsonObject operator()(const Tick &t) const
    {
        const QJsonObject totals{
            { QStringLiteral("requests"), t.totals.requests },
            { QStringLiteral("bytes_in"), t.totals.bytesIn },
            { QStringLiteral("bytes_out"), t.totals.bytesOut },
            { QStringLiteral("errors"), t.totals.errors },
            { QStringLiteral("aborts"), t.totals.aborts },
            { QStringLiteral("connections_open"), t.totals.connectionsOpen },
            { QStringLiteral("requests_active"), t.totals.requestsActive },
        };
        const QJsonObject rates{
            { QStringLiteral("requests"), t.rates.requests },
            { QStringLiteral("bytes_in"), t.rates.bytesIn },
            { QStringLiteral("bytes_out"), t.rates.bytesOut },
            { QStringLiteral("errors"), t.rates.errors },
            { QStringLiteral("aborts"), t.rates.aborts },
        };
        const QJsonObject latency{
            { QStringLiteral("count"), t.latency.count },
            { QStringLiteral("p50"), t.latency.p50 },
            { QStringLiteral("p90"), t.latency.p90 },
            { QStringLiteral("p99"), t.latency.p99 },
            { QStringLiteral("max"), t.latency.max },
        };
        QJsonArray closed;
        for (quint64 id : t.connectionsClosed)
            closed.append(qint64(id));
        QJsonObject o{
            { QStringLiteral("seq"), qint64(t.seq) },
            { QStringLiteral("time_ms"), t.timeMs },
            { QStringLiteral("interval_ms"), t.intervalMs },
            { QStringLiteral("totals"), totals },
            { QStringLiteral("rates"), rates },
            { QStringLiteral("latency"), latency },
            { QStringLiteral("began"), arrayOf(t.began, requestToJson) },
            { QStringLiteral("ended"), arrayOf(t.ended, requestToJson) },
            { QStringLiteral("began_dropped"), t.beganDropped },
            { QStringLiteral("ended_dropped"), t.endedDropped },
            { QStringLiteral("connections_opened"), arrayOf(t.connectionsOpened, connectionToJson) },
            { QStringLiteral("connections_closed"), closed },
            { QStringLiteral("connections_dropped"), t.connectionsDropped },
            { QStringLiteral("queued"), arrayOf(t.queued, connectionToJson) },
        };
        if (!t.aborted.isEmpty()) // optional: absent means none
            o.insert(QStringLiteral("aborted"), arrayOf(t.aborted, requestToJson));
        return o;
    }
    QJsonObject operator()(const LogBatch &b) const
    {
        return QJsonObject{
            { QStringLiteral("entries"), arrayOf(b.entries, [](const LogEntry &e) {
                  return QJsonObject{
                      { QStringLiteral("time_ms"), e.timeMs },
                      { QStringLiteral("level"), e.level },
                      { QStringLiteral("category"), e.category },
                      { QStringLiteral("message"), e.message },
                  };
              }) },
            { QStringLiteral("dropped"), b.dropped },
        };
    }
    QJsonObject operator()(const Ack &a) const
    {
        return QJsonObject{ { QStringLiteral("cmd"), a.cmd } };
    }
    QJsonObject operator()(const Error &e) const
    {
        return QJsonObject{ { QStringLiteral("message"), e.message } };
    }
};

const char *typeName(const Message &message)
{
    static constexpr const char *kNames[] = { "hello", "snapshot", "tick", "log", "ack", "error" };
    static_assert(std::size(kNames) == std::variant_size_v<Message>);
    return kNames[message.index()];
}

// ---- decoding --------------------------------------------------------------------------------

// Where in the message a field is, rendered only when something is wrong ("began[3].uri").
struct Path
{
    const Path *parent = nullptr;
    const char *key = nullptr;
    qsizetype index = -1;

    QString toString() const
    {
        QString s = parent ? parent->toString() : QString();
        if (key) {
            if (!s.isEmpty())
                s += QLatin1Char('.');
            s += QLatin1String(key);
        }
        if (index >= 0)
            s += QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
        return s;
    }
};

enum class Need { Optional, Required };

// A JSON number that is a whole qint64. The range is checked on the double before converting:
// casting one outside qint64 (1e21, say) is undefined behaviour.
bool toWholeNumber(const QJsonValue &v, qint64 *out)
{
    const double d = v.toDouble();
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!v.isDouble() || !std::isfinite(d) || std::trunc(d) != d || d < -kTwoTo63 || d >= kTwoTo63)
        return false;
    *out = v.toInteger(qint64(d)); // exact when the parser kept the integer
    return true;
}

// Reads fields of one JSON object; the first problem wins and the rest is skipped.
class Reader
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const Path &where, const char *what)
    {
        if (m_error.isEmpty())
            m_error = where.toString() + QLatin1String(": ") + QLatin1String(what);
    }

    // Returns an undefined value when absent (after reporting it if required).
    QJsonValue field(const QJsonObject &o, const Path &parent, const char *key, Need need)
    {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() && need == Need::Required)
            fail(Path{ &parent, key }, "missing");
        return v;
    }

    template<typename Int>
    void integer(const QJsonObject &o, const Path &parent, const char *key, Int *out,
                 Need need = Need::Optional)
    {
        const QJsonValue v = field(o, parent, key, need);
        if (v.isUndefined() || failed())
            return;
        qint64 i = 0;
        if (!toWholeNumber(v, &i)) {
            const double d = v.toDouble();
            const bool whole = v.isDouble() && std::isfinite(d) && std::trunc(d) == d;
            fail(Path{ &parent, key }, whole ? "integer out of range" : "expected an integer");
            return;
        }
        using Limits = std::numeric_limits<Int>;
        if (i < qint64(Limits::min())
            || (std::is_unsigned_v<Int> ? quint64(i) > quint64(Limits::max())
                                        : i > qint64(Limits::max()))) {
            fail(Path{ &parent, key }, "integer out of range");
            return;
        }
        *out = Int(i);
    }

    void number(const QJsonObject &o, const Path &parent, const char *key, double *out)
    {
        const QJsonValue v = field(o, parent, key, Need::Optional);
        if (v.isUndefined() || failed())
            return;
        if (!v.isDouble())
            return fail(Path{ &parent, key }, "expected a number");
        *out = v.toDouble();
    }

    void string(const QJsonObject &o, const Path &parent, const char *key, QString *out,
                Need need = Need::Optional)
    {
        const QJsonValue v = field(o, parent, key, need);
        if (v.isUndefined() || failed())
            return;
        if (!v.isString())
            return fail(Path{ &parent, key }, "expected a string");
        *out = v.toString();
    }

    void boolean(const QJsonObject &o, const Path &parent, const char *key, bool *out)
    {
        const QJsonValue v = field(o, parent, key, Need::Optional);
        if (v.isUndefined() || failed())
            return;
        if (!v.isBool())
            return fail(Path{ &parent, key }, "expected true or false");
        *out = v.toBool();
    }

    QJsonObject object(const QJsonObject &o, const Path &parent, const char *key)
    {
        const QJsonValue v = field(o, parent, key, Need::Optional);
        if (v.isUndefined() || failed())
            return {};
        if (!v.isObject())
            fail(Path{ &parent, key }, "expected an object");
        return v.toObject();
    }

    // Calls read(element, path) for each element of an optional array.
    template<typename F>
    void array(const QJsonObject &o, const Path &parent, const char *key, F read)
    {
        const QJsonValue v = field(o, parent, key, Need::Optional);
        if (v.isUndefined() || failed())
            return;
        if (!v.isArray())
            return fail(Path{ &parent, key }, "expected an array");
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size() && !failed(); ++i)
            read(a.at(i), Path{ &parent, key, i });
    }

    template<typename T, typename F>
    void objects(const QJsonObject &o, const Path &parent, const char *key, QList<T> *out, F read)
    {
        array(o, parent, key, [&](const QJsonValue &v, const Path &where) {
            if (!v.isObject())
                return fail(where, "expected an object");
            T item;
            read(v.toObject(), where, &item);
            out->append(std::move(item));
        });
    }

private:
    QString m_error;
};

void readRequest(Reader &r, const QJsonObject &o, const Path &p, RequestInfo *out)
{
    r.integer(o, p, "connection_id", &out->connectionId, Need::Required);
    r.integer(o, p, "request_id", &out->requestId, Need::Required);
    r.string(o, p, "role", &out->role);
    r.string(o, p, "method", &out->method);
    r.string(o, p, "uri", &out->uri);
    r.integer(o, p, "start_ms", &out->startMs);
    r.integer(o, p, "status", &out->status);
    r.integer(o, p, "duration_ms", &out->durationMs);
    r.integer(o, p, "bytes_in", &out->bytesIn);
    r.integer(o, p, "bytes_out", &out->bytesOut);
    r.boolean(o, p, "aborted", &out->aborted);
}

void readConnection(Reader &r, const QJsonObject &o, const Path &p, ConnectionInfo *out)
{
    r.integer(o, p, "connection_id", &out->connectionId, Need::Required);
    r.string(o, p, "peer", &out->peer);
    r.string(o, p, "listener", &out->listener);
    r.integer(o, p, "opened_ms", &out->openedMs);
    r.integer(o, p, "queued_bytes", &out->queuedBytes);
}

void readLogEntry(Reader &r, const QJsonObject &o, const Path &p, LogEntry *out)
{
    r.integer(o, p, "time_ms", &out->timeMs);
    r.string(o, p, "level", &out->level, Need::Required);
    r.string(o, p, "category", &out->category);
    r.string(o, p, "message", &out->message, Need::Required);
}

Hello readHello(Reader &r, const QJsonObject &o, const Path &p)
{
    Hello h;
    r.integer(o, p, "protocol", &h.protocol, Need::Required);
    r.string(o, p, "server_version", &h.serverVersion);
    r.integer(o, p, "pid", &h.pid);
    r.integer(o, p, "start_time_ms", &h.startTimeMs);
    r.array(o, p, "listeners", [&](const QJsonValue &v, const Path &where) {
        if (!v.isString())
            return r.fail(where, "expected a string");
        h.listeners.append(v.toString());
    });
    r.integer(o, p, "threads", &h.threads);
    r.integer(o, p, "tick_interval_ms", &h.tickIntervalMs);
    const QJsonObject limits = r.object(o, p, "limits");
    const Path lp{ &p, "limits" };
    for (auto it = limits.begin(); it != limits.end() && !r.failed(); ++it) {
        qint64 value = 0;
        const QByteArray key = it.key().toUtf8();
        r.integer(limits, lp, key.constData(), &value);
        h.limits.append({ it.key(), value });
    }
    return h;
}

Snapshot readSnapshot(Reader &r, const QJsonObject &o, const Path &p)
{
    Snapshot s;
    r.objects(o, p, "requests", &s.requests, [&](auto &&...a) { readRequest(r, a...); });
    r.objects(o, p, "connections", &s.connections, [&](auto &&...a) { readConnection(r, a...); });
    return s;
}

Tick readTick(Reader &r, const QJsonObject &o, const Path &p)
{
    Tick t;
    r.integer(o, p, "seq", &t.seq, Need::Required);
    r.integer(o, p, "time_ms", &t.timeMs, Need::Required);
    r.integer(o, p, "interval_ms", &t.intervalMs);

    const QJsonObject totals = r.object(o, p, "totals");
    const Path tp{ &p, "totals" };
    r.integer(totals, tp, "requests", &t.totals.requests);
    r.integer(totals, tp, "bytes_in", &t.totals.bytesIn);
    r.integer(totals, tp, "bytes_out", &t.totals.bytesOut);
    r.integer(totals, tp, "errors", &t.totals.errors);
    r.integer(totals, tp, "aborts", &t.totals.aborts);
    r.integer(totals, tp, "connections_open", &t.totals.connectionsOpen);
    r.integer(totals, tp, "requests_active", &t.totals.requestsActive);

    const QJsonObject rates = r.object(o, p, "rates");
    const Path rp{ &p, "rates" };
    r.number(rates, rp, "requests", &t.rates.requests);
    r.number(rates, rp, "bytes_in", &t.rates.bytesIn);
    r.number(rates, rp, "bytes_out", &t.rates.bytesOut);
    r.number(rates, rp, "errors", &t.rates.errors);
    r.number(rates, rp, "aborts", &t.rates.aborts);

    const QJsonObject latency = r.object(o, p, "latency");
    const Path lp{ &p, "latency" };
    r.integer(latency, lp, "count", &t.latency.count);
    r.number(latency, lp, "p50", &t.latency.p50);
    r.number(latency, lp, "p90", &t.latency.p90);
    r.number(latency, lp, "p99", &t.latency.p99);
    r.number(latency, lp, "max", &t.latency.max);

    const auto request = [&](auto &&...a) { readRequest(r, a...); };
    const auto connection = [&](auto &&...a) { readConnection(r, a...); };
    r.objects(o, p, "began", &t.began, request);
    r.objects(o, p, "ended", &t.ended, request);
    r.integer(o, p, "began_dropped", &t.beganDropped);
    r.integer(o, p, "ended_dropped", &t.endedDropped);
    r.objects(o, p, "connections_opened", &t.connectionsOpened, connection);
    r.array(o, p, "connections_closed", [&](const QJsonValue &v, const Path &where) {
        qint64 id = -1;
        if (!toWholeNumber(v, &id) || id < 0)
            return r.fail(where, "expected a connection id");
        t.connectionsClosed.append(quint64(id));
    });
    r.integer(o, p, "connections_dropped", &t.connectionsDropped);
    r.objects(o, p, "queued", &t.queued, connection);
    r.objects(o, p, "aborted", &t.aborted, request);
    return t;
}

// Parses a line into an object; reports why not.
std::optional<QJsonObject> parseObject(QByteArrayView line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(line.data(), line.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = QStringLiteral("not JSON: %1 at offset %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

} // namespace

QString defaultSocketName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    QString safe;
    for (const QChar c : std::as_const(user)) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_')
            || c == QLatin1Char('.') || c == QLatin1Char('-');
        safe += ok ? c : QLatin1Char('_');
    }
    if (safe.isEmpty())
        safe = QStringLiteral("default");
    return QStringLiteral("afcgi-monitor-") + safe;
}

QJsonObject toJson(const Message &message)
{
    QJsonObject o = std::visit(BodyEncoder{}, message);
    o.insert(QStringLiteral("type"), QLatin1String(typeName(message)));
    return o;
}

QByteArray encode(const Message &message)
{
    const QJsonObject body = std::visit(BodyEncoder{}, message);
    const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
    // QJsonObject orders keys alphabetically; put "type" first for people reading with socat.
    QByteArray line = QByteArrayLiteral("{\"type\":\"") + typeName(message) + '"';
    if (body.isEmpty())
        line += '}';
    else
        line += ',' + json.sliced(1);
    line += '\n';
    return line;
}

QByteArray encode(const Command &command)
{
    QJsonObject o{ { QStringLiteral("cmd"), command.cmd } };
    if (!command.level.isEmpty())
        o.insert(QStringLiteral("level"), command.level);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

std::optional<Message> decodeMessage(QByteArrayView line, QString *error)
{
    const std::optional<QJsonObject> o = parseObject(line, error);
    if (!o)
        return std::nullopt;
    const QJsonValue typeValue = o->value(QLatin1String("type"));
    if (!typeValue.isString()) {
        if (error)
            *error = typeValue.isUndefined() ? QStringLiteral("missing \"type\"")
                                             : QStringLiteral("\"type\" is not a string");
        return std::nullopt;
    }
    const QString type = typeValue.toString();
    const QByteArray typeUtf8 = type.toUtf8();
    const Path root{ nullptr, typeUtf8.constData() };
    Reader r;
    std::optional<Message> message;
    if (type == QLatin1String("hello")) {
        message = readHello(r, *o, root);
    } else if (type == QLatin1String("snapshot")) {
        message = readSnapshot(r, *o, root);
    } else if (type == QLatin1String("tick")) {
        message = readTick(r, *o, root);
    } else if (type == QLatin1String("log")) {
        LogBatch b;
        r.objects(*o, root, "entries", &b.entries, [&](auto &&...a) { readLogEntry(r, a...); });
        r.integer(*o, root, "dropped", &b.dropped);
        message = std::move(b);
    } else if (type == QLatin1String("ack")) {
        Ack a;
        r.string(*o, root, "cmd", &a.cmd, Need::Required);
        message = a;
    } else if (type == QLatin1String("error")) {
        Error e;
        r.string(*o, root, "message", &e.message, Need::Required);
        message = e;
    } else {
        if (error)
            *error = QStringLiteral("unknown type \"%1\"").arg(type);
        return std::nullopt;
    }
    if (r.failed()) {
        if (error)
            *error = r.error();
        return std::nullopt;
    }
    return message;
}

std::optional<Command> decodeCommand(QByteArrayView line, QString *error)
{
    const std::optional<QJsonObject> o = parseObject(line, error);
    if (!o)
        return std::nullopt;
    const Path root{ nullptr, "command" };
    Reader r;
    Command c;
    r.string(*o, root, "cmd", &c.cmd, Need::Required);
    r.string(*o, root, "level", &c.level);
    if (!r.failed() && c.cmd.isEmpty())
        r.fail(Path{ &root, "cmd" }, "empty");
    if (r.failed()) {
        if (error)
            *error = r.error();
        return std::nullopt;
    }
    return c;
}

// ---- LineSplitter ----------------------------------------------------------------------------

void LineSplitter::feed(QByteArrayView bytes)
{
    if (m_error || bytes.isEmpty())
        return;
    if (m_readPos > 0 && m_readPos * 2 >= m_buffer.size()) {
        // Drop the consumed prefix once it is at least half the buffer: amortised O(1) per byte.
        m_buffer.remove(0, m_readPos);
        m_scanPos -= m_readPos;
        m_readPos = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<QByteArray> LineSplitter::next()
{
    while (!m_error) {
        const qsizetype newline = m_buffer.indexOf('\n', qMax(m_scanPos, m_readPos));
        if (newline < 0) {
            m_scanPos = m_buffer.size();
            if (m_buffer.size() - m_readPos > m_maxLine)
                m_error = true; // an unterminated line already past the limit
            return std::nullopt;
        }
        qsizetype end = newline;
        if (end > m_readPos && m_buffer.at(end - 1) == '\r')
            --end; // tolerate CRLF from people typing at the socket
        const qsizetype start = m_readPos;
        m_readPos = newline + 1;
        m_scanPos = m_readPos;
        if (m_readPos == m_buffer.size()) {
            // Everything consumed: reuse the buffer without a memmove.
            QByteArray line = m_buffer.sliced(start, end - start);
            m_buffer.resize(0);
            m_readPos = m_scanPos = 0;
            if (line.size() > m_maxLine) {
                m_error = true;
                return std::nullopt;
            }
            if (!line.trimmed().isEmpty())
                return line;
            continue;
        }
        if (end - start > m_maxLine) {
            m_error = true;
            return std::nullopt;
        }
        if (QByteArrayView(m_buffer).sliced(start, end - start).trimmed().isEmpty())
            continue; // blank lines are skipped
        return m_buffer.sliced(start, end - start);
    }
    return std::nullopt;
}

} // namespace afcgi::monitor
