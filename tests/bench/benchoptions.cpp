#include "benchoptions.h"

#include "toolcommandline.h"

namespace afcgi::bench {

namespace {
constexpr const char *kDefaultHoldPath = "/delay?ms=60000";
constexpr int kMaxDepth = 65535; // FastCGI request ids are 16 bits; 0 is the management id
constexpr double kMaxSeconds = 86400;
}

std::optional<BenchOptions> parseBenchOptions(const QStringList &arguments, QString *error,
                                              bool *exitNow)
{
    ToolCommandLine p("afcgi-bench", QStringLiteral(
        "afcgi-bench: a multiplexing FastCGI load generator. Keeps conns x depth requests in "
        "flight (each with its own request id, KEEP_CONN), verifies every response and prints "
        "requests/s, latency percentiles, bytes/s, errors and a final JSON line. With --hold it "
        "opens N slow requests instead and reports the server's memory per pending request."));
    p.addValue("conns", "Connections (default 1).", "C");
    p.addValue("depth", "Requests in flight per connection, each with its own id (default 1: "
                        "sequential with KEEP_CONN).", "D");
    p.addValue("duration", "Seconds to measure (default 5). With --hold: seconds to keep the "
                           "requests pending once all are in flight (default 2).", "S");
    p.addValue("requests", "Stop after N measured requests instead of a duration.", "N");
    p.addValue("warmup", "Seconds of load before measuring (default 1; 0 with --hold).", "S");
    p.addValue("path", "Request URI (default /hello; /delay?ms=60000 with --hold).", "PATH");
    p.addValue("body", "POST a body of this many bytes (default 0: GET).", "BYTES");
    p.addValue("hold", "Open N requests to a slow path spread over the connections, keep them "
                       "pending and report when all are in flight.", "N");
    p.addValue("pid", "Server process id: with --hold, report its RSS (VmRSS) per pending request.", "PID");
    p.addValue("connect-timeout", "Seconds to wait for the connections (default 5).", "S");
    p.addValue("hold-timeout", "Seconds to wait for all held requests to be in flight (default 60).", "S");
    if (!p.parse(arguments)) {
        *error = p.error();
        *exitNow = error->isEmpty();
        return std::nullopt;
    }

    BenchOptions o;
    qint64 conns = 1, depth = 1;
    p.integer("conns", 1, 100000, &conns);
    p.integer("depth", 1, kMaxDepth, &depth);
    p.integer("requests", 1, qint64(1) << 50, &o.requests);
    p.integer("body", 0, qint64(1) << 30, &o.bodyBytes);
    p.integer("hold", 1, qint64(1) << 32, &o.hold);
    p.integer("pid", 1, qint64(1) << 31, &o.pid);
    o.conns = int(conns);
    o.depth = int(depth);
    if (o.hold > 0) { // hold defaults differ: no warmup, a short hold, a slow path
        o.durationS = 2;
        o.warmupS = 0;
        o.path = QString::fromLatin1(kDefaultHoldPath);
    }
    p.number("duration", kMaxSeconds, &o.durationS);
    p.number("warmup", kMaxSeconds, &o.warmupS);
    p.number("connect-timeout", kMaxSeconds, &o.connectTimeoutS);
    p.number("hold-timeout", kMaxSeconds, &o.holdTimeoutS);
    const auto endpoint = p.endpoint();
    if (!p.ok()) {
        *error = p.error();
        return std::nullopt;
    }
    o.endpoint = *endpoint;
    if (p.isSet("path"))
        o.path = p.value("path");
    if (!o.path.startsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("--path must start with '/'");
        return std::nullopt;
    }
    if (o.hold > 0 && (o.hold + o.conns - 1) / o.conns > kMaxDepth) {
        *error = QStringLiteral("--hold %1 needs more than %2 requests per connection: raise --conns")
                     .arg(o.hold).arg(kMaxDepth);
        return std::nullopt;
    }
    if (o.hold == 0 && o.requests == 0 && o.durationS <= 0) {
        *error = QStringLiteral("--duration must be above 0");
        return std::nullopt;
    }
    o.jsonOnly = p.jsonOnly();
    o.progress = p.progress();
    return o;
}

} // namespace afcgi::bench
