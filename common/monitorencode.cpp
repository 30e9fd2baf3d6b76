// Encoding the monitor protocol's messages and commands (monitorprotocol.h).

#include "monitorprotocol.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace afcgi::monitor {

namespace {

// The note goes on the wire only when there is one: most requests have none.
QJsonObject withNote(QJsonObject o, const QString &note)
{
    if (!note.isEmpty())
        o.insert(QStringLiteral("note"), note);
    return o;
}

QJsonObject requestToJson(const RequestInfo &r)
{
    return withNote(QJsonObject{
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
    }, r.note);
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

QJsonObject gaugeToJson(const ConnectionGauge &g)
{
    QJsonArray ids;
    for (quint16 id : g.requestIds)
        ids.append(int(id));
    return QJsonObject{
        { QStringLiteral("connection_id"), qint64(g.connectionId) },
        { QStringLiteral("requests"), g.requests },
        { QStringLiteral("waiting"), g.waiting },
        { QStringLiteral("request_ids"), ids },
    };
}

QJsonObject channelToJson(const ChannelGauge &c)
{
    return QJsonObject{
        { QStringLiteral("name"), c.name },
        { QStringLiteral("subscribers"), c.subscribers },
        { QStringLiteral("messages_per_second"), c.messagesPerSecond },
        { QStringLiteral("messages"), c.messages },
        { QStringLiteral("last_id"), c.lastId },
    };
}

QJsonObject workerToJson(const WorkerGauge &w)
{
    return QJsonObject{
        { QStringLiteral("worker"), w.worker },
        { QStringLiteral("connections"), w.connections },
        { QStringLiteral("in_flight"), w.inFlight },
        { QStringLiteral("requests"), w.requests },
        { QStringLiteral("cpu_ms"), w.cpuMs },
        { QStringLiteral("lag_ms"), w.lagMs },
        { QStringLiteral("blocked"), w.blocked },
    };
}

QJsonObject routeTrafficToJson(const RouteTraffic &r)
{
    return QJsonObject{
        { QStringLiteral("prefix"), r.prefix },
        { QStringLiteral("requests"), r.requests },
        { QStringLiteral("errors"), r.errors },
        { QStringLiteral("aborts"), r.aborts },
        { QStringLiteral("blocked"), r.blocked },
        { QStringLiteral("rate"), r.rate },
        { QStringLiteral("count"), r.count },
        { QStringLiteral("p50"), r.p50 },
        { QStringLiteral("p99"), r.p99 },
    };
}

QJsonObject routeToJson(const Route &r)
{
    QJsonObject o{
        { QStringLiteral("prefix"), r.prefix },
        { QStringLiteral("app"), r.app },
    };
    if (!r.plugin.isEmpty())
        o.insert(QStringLiteral("plugin"), r.plugin);
    if (!r.patterns.isEmpty())
        o.insert(QStringLiteral("patterns"), QJsonArray::fromStringList(r.patterns));
    return o;
}

QJsonObject progressToJson(const RequestProgress &p)
{
    return withNote(QJsonObject{
        { QStringLiteral("connection_id"), qint64(p.connectionId) },
        { QStringLiteral("request_id"), int(p.requestId) },
        { QStringLiteral("bytes_in"), p.bytesIn },
        { QStringLiteral("bytes_out"), p.bytesOut },
        { QStringLiteral("status"), p.status },
        { QStringLiteral("aborted"), p.aborted },
    }, p.note);
}

template<typename T>
QJsonObject byStatusToJson(const ByStatus<T> &counts)
{
    QJsonObject o;
    for (int i = 0; i < int(counts.size()); ++i)
        o.insert(QLatin1String(kStatusClassNames[i]), counts[size_t(i)]);
    return o;
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
        QJsonObject o{
            { QStringLiteral("protocol"), h.protocol },
            { QStringLiteral("server_version"), h.serverVersion },
            { QStringLiteral("pid"), h.pid },
            { QStringLiteral("start_time_ms"), h.startTimeMs },
            { QStringLiteral("listeners"), QJsonArray::fromStringList(h.listeners) },
            { QStringLiteral("threads"), h.threads },
            { QStringLiteral("tick_interval_ms"), h.tickIntervalMs },
            { QStringLiteral("limits"), limits },
        };
        if (!h.logLevel.isEmpty())
            o.insert(QStringLiteral("log_level"), h.logLevel);
        if (h.admin)
            o.insert(QStringLiteral("admin"), *h.admin);
        if (h.routes)
            o.insert(QStringLiteral("routes"), arrayOf(*h.routes, routeToJson));
        return o;
    }
    QJsonObject operator()(const Snapshot &s) const
    {
        return QJsonObject{
            { QStringLiteral("requests"), arrayOf(s.requests, requestToJson) },
            { QStringLiteral("connections"), arrayOf(s.connections, connectionToJson) },
        };
    }
    static QJsonObject totals(const Totals &t)
    {
        return QJsonObject{
            { QStringLiteral("requests"), t.requests },
            { QStringLiteral("bytes_in"), t.bytesIn },
            { QStringLiteral("bytes_out"), t.bytesOut },
            { QStringLiteral("errors"), t.errors },
            { QStringLiteral("aborts"), t.aborts },
            { QStringLiteral("connections_open"), t.connectionsOpen },
            { QStringLiteral("requests_active"), t.requestsActive },
            { QStringLiteral("by_status"), byStatusToJson(t.byStatus) },
            { QStringLiteral("connections_waiting"), t.connectionsWaiting },
            { QStringLiteral("requests_waiting"), t.requestsWaiting },
            { QStringLiteral("log_lines"), t.logLines },
            { QStringLiteral("log_bytes"), t.logBytes },
        };
    }
    static QJsonObject rates(const Rates &r)
    {
        return QJsonObject{
            { QStringLiteral("requests"), r.requests },
            { QStringLiteral("bytes_in"), r.bytesIn },
            { QStringLiteral("bytes_out"), r.bytesOut },
            { QStringLiteral("errors"), r.errors },
            { QStringLiteral("aborts"), r.aborts },
            { QStringLiteral("by_status"), byStatusToJson(r.byStatus) },
            { QStringLiteral("log_lines"), r.logLines },
            { QStringLiteral("log_bytes"), r.logBytes },
        };
    }
    static QJsonObject latency(const Latency &l)
    {
        QJsonArray buckets;
        for (const LatencyBucket &b : l.buckets)
            buckets.append(QJsonArray{ b.bucket, b.count });
        return QJsonObject{
            { QStringLiteral("count"), l.count },
            { QStringLiteral("p50"), l.p50 },
            { QStringLiteral("p90"), l.p90 },
            { QStringLiteral("p99"), l.p99 },
            { QStringLiteral("max"), l.max },
            { QStringLiteral("buckets"), buckets },
        };
    }
    QJsonObject operator()(const Tick &t) const
    {
        QJsonArray closed;
        for (quint64 id : t.connectionsClosed)
            closed.append(qint64(id));
        QJsonObject o{
            { QStringLiteral("seq"), qint64(t.seq) },
            { QStringLiteral("time_ms"), t.timeMs },
            { QStringLiteral("interval_ms"), t.intervalMs },
            { QStringLiteral("totals"), totals(t.totals) },
            { QStringLiteral("rates"), rates(t.rates) },
            { QStringLiteral("latency"), latency(t.latency) },
            { QStringLiteral("began"), arrayOf(t.began, requestToJson) },
            { QStringLiteral("ended"), arrayOf(t.ended, requestToJson) },
            { QStringLiteral("began_dropped"), t.beganDropped },
            { QStringLiteral("ended_dropped"), t.endedDropped },
            { QStringLiteral("connections_opened"), arrayOf(t.connectionsOpened, connectionToJson) },
            { QStringLiteral("connections_closed"), closed },
            { QStringLiteral("connections_dropped"), t.connectionsDropped },
            { QStringLiteral("queued"), arrayOf(t.queued, connectionToJson) },
            { QStringLiteral("active"), arrayOf(t.active, progressToJson) },
        };
        if (!t.aborted.isEmpty()) // optional: absent means none
            o.insert(QStringLiteral("aborted"), arrayOf(t.aborted, requestToJson));
        if (!t.state.isEmpty()) {
            o.insert(QStringLiteral("state"), t.state);
            o.insert(QStringLiteral("drain_left_ms"), t.drainLeftMs);
        }
        if (!t.logLevel.isEmpty())
            o.insert(QStringLiteral("log_level"), t.logLevel);
        if (t.inFlight) {
            o.insert(QStringLiteral("in_flight"), arrayOf(*t.inFlight, gaugeToJson));
            o.insert(QStringLiteral("in_flight_dropped"), t.inFlightDropped);
        }
        if (t.workers)
            o.insert(QStringLiteral("workers"), arrayOf(*t.workers, workerToJson));
        if (t.routes)
            o.insert(QStringLiteral("routes"), arrayOf(*t.routes, routeTrafficToJson));
        if (t.pausedListeners)
            o.insert(QStringLiteral("paused_listeners"), QJsonArray::fromStringList(*t.pausedListeners));
        if (t.channels) {
            o.insert(QStringLiteral("channels"), arrayOf(*t.channels, channelToJson));
            o.insert(QStringLiteral("channels_dropped"), t.channelsDropped);
        }
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
        QJsonObject o{ { QStringLiteral("cmd"), a.cmd } };
        if (!a.message.isEmpty())
            o.insert(QStringLiteral("message"), a.message);
        if (!a.settings.isEmpty())
            o.insert(QStringLiteral("settings"), arrayOf(a.settings, [](const Setting &s) {
                         return QJsonObject{
                             { QStringLiteral("key"), s.key },
                             { QStringLiteral("value"), s.value },
                             { QStringLiteral("origin"), s.origin },
                             { QStringLiteral("live"), s.live },
                         };
                     }));
        return o;
    }
    QJsonObject operator()(const Error &e) const
    {
        QJsonObject o{ { QStringLiteral("message"), e.message } };
        if (!e.cmd.isEmpty())
            o.insert(QStringLiteral("cmd"), e.cmd);
        return o;
    }
};

const char *typeName(const Message &message)
{
    static constexpr const char *kNames[] = { "hello", "snapshot", "tick", "log", "ack", "error" };
    static_assert(std::size(kNames) == std::variant_size_v<Message>);
    return kNames[message.index()];
}

} // namespace

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
    if (command.connectionId)
        o.insert(QStringLiteral("connection_id"), qint64(*command.connectionId));
    if (command.requestId)
        o.insert(QStringLiteral("request_id"), int(*command.requestId));
    if (!command.listener.isEmpty())
        o.insert(QStringLiteral("listener"), command.listener);
    if (!command.limit.isEmpty())
        o.insert(QStringLiteral("limit"), command.limit);
    if (command.value)
        o.insert(QStringLiteral("value"), *command.value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace afcgi::monitor
