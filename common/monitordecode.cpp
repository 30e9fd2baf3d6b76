// Decoding the monitor protocol's messages and commands (monitorprotocol.h).

#include "monitorprotocol.h"

#include "jsonfieldreader.h"
#include "latencybuckets.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace afcgi::monitor {

namespace {

using Path = JsonPath;
using Reader = JsonFieldReader;

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
    r.string(o, p, "note", &out->note);
}

void readConnection(Reader &r, const QJsonObject &o, const Path &p, ConnectionInfo *out)
{
    r.integer(o, p, "connection_id", &out->connectionId, Need::Required);
    r.string(o, p, "peer", &out->peer);
    r.string(o, p, "listener", &out->listener);
    r.integer(o, p, "opened_ms", &out->openedMs);
    r.integer(o, p, "queued_bytes", &out->queuedBytes);
}

void readGauge(Reader &r, const QJsonObject &o, const Path &p, ConnectionGauge *out)
{
    r.integer(o, p, "connection_id", &out->connectionId, Need::Required);
    r.integer(o, p, "requests", &out->requests);
    r.integer(o, p, "waiting", &out->waiting);
    r.array(o, p, "request_ids", [&](const QJsonValue &v, const Path &where) {
        qint64 id = 0;
        if (r.element(v, where, 0, 65535, &id, "expected a request id"))
            out->requestIds.append(quint16(id));
    });
}

void readProgress(Reader &r, const QJsonObject &o, const Path &p, RequestProgress *out)
{
    r.integer(o, p, "connection_id", &out->connectionId, Need::Required);
    r.integer(o, p, "request_id", &out->requestId, Need::Required);
    r.integer(o, p, "bytes_in", &out->bytesIn);
    r.integer(o, p, "bytes_out", &out->bytesOut);
    r.integer(o, p, "status", &out->status);
    r.boolean(o, p, "aborted", &out->aborted);
    r.string(o, p, "note", &out->note);
}

void readChannel(Reader &r, const QJsonObject &o, const Path &p, ChannelGauge *out)
{
    r.string(o, p, "name", &out->name, Need::Required);
    r.integer(o, p, "subscribers", &out->subscribers);
    r.number(o, p, "messages_per_second", &out->messagesPerSecond);
    r.integer(o, p, "messages", &out->messages);
    r.string(o, p, "last_id", &out->lastId);
}

void readWorker(Reader &r, const QJsonObject &o, const Path &p, WorkerGauge *out)
{
    r.integer(o, p, "worker", &out->worker, Need::Required);
    r.integer(o, p, "connections", &out->connections);
    r.integer(o, p, "in_flight", &out->inFlight);
    r.integer(o, p, "requests", &out->requests);
    r.integer(o, p, "cpu_ms", &out->cpuMs);
    r.integer(o, p, "lag_ms", &out->lagMs);
    r.integer(o, p, "blocked", &out->blocked);
}

void readRouteTraffic(Reader &r, const QJsonObject &o, const Path &p, RouteTraffic *out)
{
    r.string(o, p, "prefix", &out->prefix, Need::Required);
    r.integer(o, p, "requests", &out->requests);
    r.integer(o, p, "errors", &out->errors);
    r.integer(o, p, "aborts", &out->aborts);
    r.integer(o, p, "blocked", &out->blocked);
    r.number(o, p, "rate", &out->rate);
    r.integer(o, p, "count", &out->count);
    r.number(o, p, "p50", &out->p50);
    r.number(o, p, "p99", &out->p99);
}

void readRoute(Reader &r, const QJsonObject &o, const Path &p, Route *out)
{
    r.string(o, p, "prefix", &out->prefix, Need::Required);
    r.string(o, p, "app", &out->app);
    r.string(o, p, "plugin", &out->plugin);
    r.array(o, p, "patterns", [&](const QJsonValue &v, const Path &where) {
        if (!v.isString())
            return r.fail(where, "expected a string");
        out->patterns.append(v.toString());
    });
}

void readLogEntry(Reader &r, const QJsonObject &o, const Path &p, LogEntry *out)
{
    r.integer(o, p, "time_ms", &out->timeMs);
    r.string(o, p, "level", &out->level, Need::Required);
    r.string(o, p, "category", &out->category);
    r.string(o, p, "message", &out->message, Need::Required);
}

void readByStatus(Reader &r, const QJsonObject &o, const Path &p, ByStatus<qint64> *out)
{
    const QJsonObject counts = r.object(o, p, "by_status");
    const Path where{ &p, "by_status" };
    for (int i = 0; i < int(out->size()); ++i)
        r.integer(counts, where, kStatusClassNames[i], &(*out)[size_t(i)]);
}

void readByStatus(Reader &r, const QJsonObject &o, const Path &p, ByStatus<double> *out)
{
    const QJsonObject rates = r.object(o, p, "by_status");
    const Path where{ &p, "by_status" };
    for (int i = 0; i < int(out->size()); ++i)
        r.number(rates, where, kStatusClassNames[i], &(*out)[size_t(i)]);
}

// An integer field whose absence is kept apart from any value.
template<typename Int>
void optionalInteger(Reader &r, const QJsonObject &o, const Path &p, const char *key,
                     std::optional<Int> *out)
{
    if (!o.contains(QLatin1String(key)))
        return;
    Int value{};
    r.integer(o, p, key, &value);
    if (!r.failed())
        *out = value;
}

void readSetting(Reader &r, const QJsonObject &o, const Path &p, Setting *out)
{
    r.string(o, p, "key", &out->key, Need::Required);
    r.string(o, p, "value", &out->value);
    r.string(o, p, "origin", &out->origin);
    r.boolean(o, p, "live", &out->live);
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
    r.string(o, p, "log_level", &h.logLevel);
    if (o.contains(QLatin1String("admin"))) {
        bool admin = false;
        r.boolean(o, p, "admin", &admin);
        h.admin = admin;
    }
    QList<Route> routes;
    if (r.objects(o, p, "routes", &routes, [&](auto &&...a) { readRoute(r, a...); }))
        h.routes = std::move(routes);
    return h;
}

Snapshot readSnapshot(Reader &r, const QJsonObject &o, const Path &p)
{
    Snapshot s;
    r.objects(o, p, "requests", &s.requests, [&](auto &&...a) { readRequest(r, a...); });
    r.objects(o, p, "connections", &s.connections, [&](auto &&...a) { readConnection(r, a...); });
    return s;
}

void readTotals(Reader &r, const QJsonObject &o, const Path &p, Totals *t)
{
    const QJsonObject totals = r.object(o, p, "totals");
    const Path tp{ &p, "totals" };
    r.integer(totals, tp, "requests", &t->requests);
    r.integer(totals, tp, "bytes_in", &t->bytesIn);
    r.integer(totals, tp, "bytes_out", &t->bytesOut);
    r.integer(totals, tp, "errors", &t->errors);
    r.integer(totals, tp, "aborts", &t->aborts);
    r.integer(totals, tp, "connections_open", &t->connectionsOpen);
    r.integer(totals, tp, "requests_active", &t->requestsActive);
    readByStatus(r, totals, tp, &t->byStatus);
    r.integer(totals, tp, "connections_waiting", &t->connectionsWaiting);
    r.integer(totals, tp, "requests_waiting", &t->requestsWaiting);
    r.integer(totals, tp, "log_lines", &t->logLines);
    r.integer(totals, tp, "log_bytes", &t->logBytes);
}

void readRates(Reader &r, const QJsonObject &o, const Path &p, Rates *out)
{
    const QJsonObject rates = r.object(o, p, "rates");
    const Path rp{ &p, "rates" };
    r.number(rates, rp, "requests", &out->requests);
    r.number(rates, rp, "bytes_in", &out->bytesIn);
    r.number(rates, rp, "bytes_out", &out->bytesOut);
    r.number(rates, rp, "errors", &out->errors);
    r.number(rates, rp, "aborts", &out->aborts);
    readByStatus(r, rates, rp, &out->byStatus);
    r.number(rates, rp, "log_lines", &out->logLines);
    r.number(rates, rp, "log_bytes", &out->logBytes);
}

void readLatency(Reader &r, const QJsonObject &o, const Path &p, Latency *out)
{
    const QJsonObject latency = r.object(o, p, "latency");
    const Path lp{ &p, "latency" };
    r.integer(latency, lp, "count", &out->count);
    r.number(latency, lp, "p50", &out->p50);
    r.number(latency, lp, "p90", &out->p90);
    r.number(latency, lp, "p99", &out->p99);
    r.number(latency, lp, "max", &out->max);
    r.array(latency, lp, "buckets", [&](const QJsonValue &v, const Path &where) {
        const QJsonArray pair = v.toArray();
        if (!v.isArray() || pair.size() != 2)
            return r.fail(where, "expected [bucket, count]");
        LatencyBucket b;
        qint64 bucket = 0;
        const Path first{ &where, nullptr, 0 };
        const Path second{ &where, nullptr, 1 };
        if (r.element(pair.at(0), first, 0, latency::kBuckets - 1, &bucket, "expected a bucket")
            && r.element(pair.at(1), second, 0, std::numeric_limits<qint64>::max(), &b.count,
                         "expected a count")) {
            b.bucket = int(bucket);
            out->buckets.append(b);
        }
    });
}

Tick readTick(Reader &r, const QJsonObject &o, const Path &p)
{
    Tick t;
    r.integer(o, p, "seq", &t.seq, Need::Required);
    r.integer(o, p, "time_ms", &t.timeMs, Need::Required);
    r.integer(o, p, "interval_ms", &t.intervalMs);
    readTotals(r, o, p, &t.totals);
    readRates(r, o, p, &t.rates);
    readLatency(r, o, p, &t.latency);

    const auto request = [&](auto &&...a) { readRequest(r, a...); };
    const auto connection = [&](auto &&...a) { readConnection(r, a...); };
    r.objects(o, p, "began", &t.began, request);
    r.objects(o, p, "ended", &t.ended, request);
    r.integer(o, p, "began_dropped", &t.beganDropped);
    r.integer(o, p, "ended_dropped", &t.endedDropped);
    r.objects(o, p, "connections_opened", &t.connectionsOpened, connection);
    r.array(o, p, "connections_closed", [&](const QJsonValue &v, const Path &where) {
        qint64 id = -1;
        if (r.element(v, where, 0, std::numeric_limits<qint64>::max(), &id, "expected a connection id"))
            t.connectionsClosed.append(quint64(id));
    });
    r.integer(o, p, "connections_dropped", &t.connectionsDropped);
    r.objects(o, p, "queued", &t.queued, connection);
    r.objects(o, p, "aborted", &t.aborted, request);

    r.string(o, p, "state", &t.state);
    r.integer(o, p, "drain_left_ms", &t.drainLeftMs);
    r.string(o, p, "log_level", &t.logLevel);
    QList<ConnectionGauge> gauges;
    if (r.objects(o, p, "in_flight", &gauges, [&](auto &&...a) { readGauge(r, a...); }))
        t.inFlight = std::move(gauges);
    r.integer(o, p, "in_flight_dropped", &t.inFlightDropped);
    r.objects(o, p, "active", &t.active, [&](auto &&...a) { readProgress(r, a...); });
    QList<ChannelGauge> channels;
    if (r.objects(o, p, "channels", &channels, [&](auto &&...a) { readChannel(r, a...); }))
        t.channels = std::move(channels);
    r.integer(o, p, "channels_dropped", &t.channelsDropped);
    QList<WorkerGauge> workers;
    if (r.objects(o, p, "workers", &workers, [&](auto &&...a) { readWorker(r, a...); }))
        t.workers = std::move(workers);
    QList<RouteTraffic> routes;
    if (r.objects(o, p, "routes", &routes, [&](auto &&...a) { readRouteTraffic(r, a...); }))
        t.routes = std::move(routes);
    QStringList paused;
    const bool toldPaused = r.array(o, p, "paused_listeners", [&](const QJsonValue &v, const Path &where) {
        if (!v.isString())
            return r.fail(where, "expected a listener name");
        paused.append(v.toString());
    });
    if (toldPaused)
        t.pausedListeners = std::move(paused);
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
        r.string(*o, root, "message", &a.message);
        r.objects(*o, root, "settings", &a.settings, [&](auto &&...args) { readSetting(r, args...); });
        message = a;
    } else if (type == QLatin1String("error")) {
        Error e;
        r.string(*o, root, "message", &e.message, Need::Required);
        r.string(*o, root, "cmd", &e.cmd);
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
    optionalInteger(r, *o, root, "connection_id", &c.connectionId);
    optionalInteger(r, *o, root, "request_id", &c.requestId);
    r.string(*o, root, "listener", &c.listener);
    r.string(*o, root, "limit", &c.limit);
    optionalInteger(r, *o, root, "value", &c.value);
    if (!r.failed() && c.cmd.isEmpty())
        r.fail(Path{ &root, "cmd" }, "empty");
    if (r.failed()) {
        if (error)
            *error = r.error();
        return std::nullopt;
    }
    return c;
}

} // namespace afcgi::monitor
