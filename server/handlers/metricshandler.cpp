#include "handlers/metricshandler.h"

#include <afcgi/hub.h>
#include <afcgi/request.h>
#include <afcgi/serverinfo.h>

#include "handlers/metricstext.h"
#include "handlers/statussource.h"

#include <iterator>

namespace afcgi {

namespace {

// Prometheus' usual latency buckets, in seconds.
constexpr double kBucketBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                    0.25,  0.5,    1,     2.5,  5,     10,   30, 60};

void renderHub(MetricsText &out, const HubStats &s)
{
    const auto one = [&out](const char *name, const char *type, const char *help, double value) {
        out.family(name, type, help);
        out.sample(name, value);
    };
    one("afcgi_hub_channels", "gauge", "Hub channels alive (with subscribers or history).", s.channels);
    one("afcgi_hub_subscribers", "gauge", "Hub subscribers waiting now.", double(s.subscribers));
    one("afcgi_hub_published_total", "counter", "Messages accepted by the hub.", double(s.published));
    one("afcgi_hub_delivered_total", "counter", "Messages handed to subscribers.", double(s.delivered));
    one("afcgi_hub_refused_total", "counter", "Publishes refused (4xx or 5xx).", double(s.refused));
    one("afcgi_hub_slow_resets_total", "counter",
        "Subscribers cut off with a reset for a full queue.", double(s.slowResets));
    one("afcgi_hub_history_resets_total", "counter",
        "Reset events for an id out of history or from another epoch.", double(s.historyResets));
    one("afcgi_hub_history_bytes", "gauge", "Bytes kept in channel histories.", double(s.historyBytes));
    one("afcgi_hub_backend_up", "gauge", "1 while the shared store (Redis) is reachable.",
        s.backendUp ? 1 : 0);
}

QByteArray routeLabel(const QString &prefix)
{
    return "route=\"" + MetricsText::escapeLabel(prefix.toUtf8()) + '"';
}

// By mounted route: what each ended, its durations, and the stalls of a worker in its handler;
// then the stalls by worker.
void renderRoutes(MetricsText &out, const ServerInfo &server, const QList<double> &bounds)
{
    const QList<RouteStats> routes = server.routeStats(bounds);
    const auto counter = [&](const char *name, const char *help, qint64 RouteStats::*field) {
        out.family(name, "counter", help);
        for (const RouteStats &route : routes)
            out.sample(name, double(route.*field), routeLabel(route.prefix));
    };
    counter("afcgi_route_requests_total", "Requests ended, by mounted route.", &RouteStats::requests);
    counter("afcgi_route_errors_total", "Requests answered with a 5xx, by mounted route.", &RouteStats::errors);
    counter("afcgi_route_aborted_total", "Requests aborted, by mounted route.", &RouteStats::aborted);
    counter("afcgi_route_blocked_total",
            "Turns of a worker's event loop over --blocked-turn-ms while the route's handler ran.",
            &RouteStats::blocked);
    out.family("afcgi_route_request_duration_seconds", "histogram",
               "Time from BEGIN_REQUEST to END_REQUEST, by mounted route.");
    for (const RouteStats &route : routes) {
        const QByteArray label = routeLabel(route.prefix);
        const QList<qint64> &buckets = route.durationHistogram;
        for (qsizetype i = 0; i < bounds.size() && i < buckets.size(); ++i) {
            out.sample("afcgi_route_request_duration_seconds_bucket", double(buckets[i]),
                       label + ",le=\"" + QByteArray::number(bounds[i], 'g', 6) + '"');
        }
        const double total = buckets.isEmpty() ? 0 : double(buckets.last());
        out.sample("afcgi_route_request_duration_seconds_bucket", total, label + ",le=\"+Inf\"");
        out.sample("afcgi_route_request_duration_seconds_sum", double(route.latencyMicrosTotal) / 1e6, label);
        out.sample("afcgi_route_request_duration_seconds_count", total, label);
    }
    out.family("afcgi_worker_blocked_total", "counter",
               "Turns of the worker's event loop over --blocked-turn-ms (a handler blocked it).");
    const QList<qint64> blocked = server.blockedTurns();
    for (qsizetype i = 0; i < blocked.size(); ++i)
        out.sample("afcgi_worker_blocked_total", double(blocked[i]), "worker=\"" + QByteArray::number(i) + '"');
}

} // namespace

QByteArray MetricsHandler::render(const ServerInfo &server, const Hub *hub,
                                  const QList<const StatusSource *> &sources)
{
    const ServerCounters c = server.counters();
    MetricsText out;
    out.family("afcgi_build_info", "gauge", "Version of the running afcgid.");
    out.sample("afcgi_build_info", 1, "version=\"" AFCGI_VERSION "\"");
    out.family("afcgi_start_time_seconds", "gauge", "When afcgid started, in seconds since the epoch.");
    out.sample("afcgi_start_time_seconds", double(server.startTime().toMSecsSinceEpoch()) / 1000.0);

    out.family("afcgi_requests_total", "counter", "Requests answered, by HTTP status class.");
    static const char *const classes[] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < 6; ++i)
        out.sample("afcgi_requests_total", double(c.requestsByStatusClass[i]),
                   QByteArrayLiteral("status_class=\"") + classes[i] + '"');
    out.family("afcgi_requests_in_flight", "gauge", "Requests begun and not yet ended.");
    out.sample("afcgi_requests_in_flight", double(c.requestsActive));
    out.family("afcgi_requests_aborted_total", "counter",
               "Requests aborted by the web server (ABORT_REQUEST or connection closed).");
    out.sample("afcgi_requests_aborted_total", double(c.aborted));

    // The workers' histogram, folded into the usual cumulative buckets.
    const QList<double> bounds(std::begin(kBucketBounds), std::end(kBucketBounds));
    const QList<qint64> buckets = server.durationHistogram(bounds);
    out.family("afcgi_request_duration_seconds", "histogram",
               "Time from BEGIN_REQUEST to END_REQUEST.");
    const qint64 total = buckets.last();
    for (qsizetype i = 0; i < bounds.size(); ++i) {
        out.sample("afcgi_request_duration_seconds_bucket", double(buckets[i]),
                   "le=\"" + QByteArray::number(bounds[i], 'g', 6) + '"');
    }
    out.sample("afcgi_request_duration_seconds_bucket", double(total), "le=\"+Inf\"");
    out.sample("afcgi_request_duration_seconds_sum", double(c.latencyMicrosTotal) / 1e6);
    out.sample("afcgi_request_duration_seconds_count", double(total));

    out.family("afcgi_received_bytes_total", "counter", "Bytes read from web servers.");
    out.sample("afcgi_received_bytes_total", double(c.bytesIn));
    out.family("afcgi_sent_bytes_total", "counter", "Bytes written to web servers.");
    out.sample("afcgi_sent_bytes_total", double(c.bytesOut));
    out.family("afcgi_output_queued_bytes", "gauge", "Response bytes waiting for a slow reader.");
    out.sample("afcgi_output_queued_bytes", double(c.queuedOutputBytes));
    out.family("afcgi_connections_open", "gauge", "Web-server connections open now.");
    out.sample("afcgi_connections_open", double(c.connectionsOpen));
    out.family("afcgi_connections_total", "counter", "Web-server connections accepted.");
    out.sample("afcgi_connections_total", double(c.connectionsTotal));
    out.family("afcgi_protocol_errors_total", "counter",
               "Connections closed for a malformed FastCGI stream.");
    out.sample("afcgi_protocol_errors_total", double(c.protocolErrors));
    out.family("afcgi_worker_threads", "gauge", "Worker threads, each with its own event loop.");
    out.sample("afcgi_worker_threads", server.workerCount());
    renderRoutes(out, server, bounds);
    if (hub)
        renderHub(out, hub->stats());
    for (const StatusSource *source : sources)
        out.append(source->metrics());
    return out.text();
}

void MetricsHandler::handle(Request *request)
{
    request->setHeader("Cache-Control", "no-store");
    request->respond(200, "text/plain; version=0.0.4; charset=utf-8", render(*m_server, m_hub, m_sources));
}

} // namespace afcgi
