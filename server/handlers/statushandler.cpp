#include "handlers/statushandler.h"

#include <afcgi/hub.h>
#include <afcgi/request.h>
#include <afcgi/router.h>
#include <afcgi/serverinfo.h>

#include "handlers/statussource.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace afcgi {

namespace {

QJsonObject hubObject(const Hub &hub)
{
    const HubStats s = hub.stats();
    const HubOptions &o = hub.options();
    return QJsonObject{
        {QStringLiteral("channels"), s.channels},
        {QStringLiteral("subscribers"), s.subscribers},
        {QStringLiteral("published"), s.published},
        {QStringLiteral("delivered"), s.delivered},
        {QStringLiteral("refused"), s.refused},
        {QStringLiteral("slow_resets"), s.slowResets},
        {QStringLiteral("history_resets"), s.historyResets},
        {QStringLiteral("history_bytes"), s.historyBytes},
        {QStringLiteral("backend"), o.redisUrl.isEmpty() ? QStringLiteral("memory")
                                                        : QStringLiteral("redis")},
        {QStringLiteral("backend_up"), s.backendUp},
        {QStringLiteral("backend_error"), s.backendError},
        {QStringLiteral("limits"),
         QJsonObject{{QStringLiteral("max_channels"), o.maxChannels},
                     {QStringLiteral("max_subscribers"), o.maxSubscribersPerChannel},
                     {QStringLiteral("max_message_bytes"), o.maxMessageBytes},
                     {QStringLiteral("history_count"), o.historyCount},
                     {QStringLiteral("history_bytes"), o.historyBytes},
                     {QStringLiteral("history_age_ms"), o.historyAgeMs},
                     {QStringLiteral("total_history_bytes"), o.totalHistoryBytes},
                     {QStringLiteral("subscriber_queue_bytes"), o.subscriberQueueBytes}}},
    };
}

QJsonObject statusObject(const ServerInfo &server, const Hub *hub,
                         const QList<const StatusSource *> &sources, bool full)
{
    const ServerCounters c = server.counters();
    QJsonObject byClass;
    for (int i = 1; i <= 5; ++i)
        byClass.insert(QStringLiteral("%1xx").arg(i), c.requestsByStatusClass[i]);
    byClass.insert(QStringLiteral("none"), c.requestsByStatusClass[0]);
    const ServerLimits limits = server.limits();
    QJsonObject object{
        {QStringLiteral("version"), QStringLiteral(AFCGI_VERSION)},
        {QStringLiteral("pid"), QCoreApplication::applicationPid()},
        {QStringLiteral("uptime_ms"), server.uptimeMs()},
        {QStringLiteral("start_time"), server.startTime().toString(Qt::ISODateWithMs)},
        {QStringLiteral("listeners"), QJsonArray::fromStringList(server.listenerNames())},
        {QStringLiteral("worker_threads"), server.workerCount()},
        {QStringLiteral("connections"),
         QJsonObject{{QStringLiteral("open"), c.connectionsOpen},
                     {QStringLiteral("total"), c.connectionsTotal}}},
        {QStringLiteral("requests"),
         QJsonObject{{QStringLiteral("active"), c.requestsActive},
                     {QStringLiteral("total"), c.requestsTotal},
                     {QStringLiteral("by_status"), byClass},
                     {QStringLiteral("aborted"), c.aborted}}},
        {QStringLiteral("bytes"),
         QJsonObject{{QStringLiteral("in"), c.bytesIn},
                     {QStringLiteral("out"), c.bytesOut},
                     {QStringLiteral("queued_out"), c.queuedOutputBytes}}},
        {QStringLiteral("protocol_errors"), c.protocolErrors},
        {QStringLiteral("limits"),
         QJsonObject{{QStringLiteral("max_conns"), limits.maxConns},
                     {QStringLiteral("max_requests_per_conn"), limits.maxRequestsPerConn},
                     {QStringLiteral("max_params_bytes"), limits.maxParamsBytes},
                     {QStringLiteral("max_body_bytes"), limits.maxBodyBytes},
                     {QStringLiteral("idle_timeout_ms"), limits.idleTimeoutMs},
                     {QStringLiteral("output_high_water_bytes"), limits.outputHighWaterBytes},
                     {QStringLiteral("connection_output_cap_bytes"),
                      limits.connectionOutputCapBytes}}},
    };
    if (hub)
        object.insert(QStringLiteral("hub"), hubObject(*hub));
    for (const StatusSource *source : sources)
        object.insert(source->statusKey(), source->status(full));
    return object;
}

QJsonArray requestArray(const QList<ActiveRequestInfo> &requests)
{
    QJsonArray array;
    for (const ActiveRequestInfo &r : requests) {
        array.append(QJsonObject{
            {QStringLiteral("connection_id"), qint64(r.connectionId)},
            {QStringLiteral("request_id"), r.requestId},
            {QStringLiteral("role"), QLatin1String(toString(r.role))},
            {QStringLiteral("method"), QString::fromLatin1(r.method)},
            {QStringLiteral("uri"), QString::fromUtf8(r.uri)},
            {QStringLiteral("age_ms"), r.ageMs},
            {QStringLiteral("peer"), r.peer},
            {QStringLiteral("bytes_in"), r.bytesIn},
            {QStringLiteral("bytes_out"), r.bytesOut},
            {QStringLiteral("status"), r.status},
            {QStringLiteral("note"), r.note},
        });
    }
    return array;
}

void respondJson(Request *request, const QJsonObject &object)
{
    request->setHeader("Cache-Control", "no-store");
    request->respond(200, "application/json", QJsonDocument(object).toJson(QJsonDocument::Indented));
}

} // namespace

void StatusHandler::handle(Request *request)
{
    if (request->queryValue("full") != "1") {
        respondJson(request, statusObject(*m_server, m_hub, m_sources, false));
        return;
    }
    const ServerInfo *server = m_server;
    const Hub *hub = m_hub;
    QJsonArray routes;
    const QList<const StatusSource *> sources = m_sources;
    const QList<RouteInfo> routeList = m_router ? m_router->routes() : QList<RouteInfo>();
    for (const RouteInfo &route : routeList) {
        routes.append(QJsonObject{{QStringLiteral("method"), QString::fromLatin1(route.method)},
                                  {QStringLiteral("pattern"), route.pattern}});
    }
    m_server->collectActiveRequests(request, [request, server, hub, sources, routes](const QList<ActiveRequestInfo> &requests) {
        QJsonObject object = statusObject(*server, hub, sources, true);
        object.insert(QStringLiteral("routes"), routes);
        object.insert(QStringLiteral("active_requests"), requestArray(requests));
        // Multiplexing at a glance: requests in flight per connection.
        QMap<qint64, int> perConnection;
        for (const ActiveRequestInfo &r : requests)
            ++perConnection[qint64(r.connectionId)];
        QJsonArray connections;
        for (auto it = perConnection.cbegin(); it != perConnection.cend(); ++it)
            connections.append(QJsonObject{{QStringLiteral("connection_id"), it.key()},
                                           {QStringLiteral("requests_in_flight"), it.value()}});
        object.insert(QStringLiteral("connections_in_use"), connections);
        respondJson(request, object);
    });
}

} // namespace afcgi
