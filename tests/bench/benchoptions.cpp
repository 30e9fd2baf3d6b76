#include "benchoptions.h"

#include <QCommandLineParser>

#include <cstdio>

namespace afcgi::bench {

namespace {
constexpr const char *kDefaultHoldPath = "/delay?ms=60000";
constexpr int kMaxDepth = 65535; // FastCGI request ids are 16 bits; 0 is the management id
}

std::optional<BenchOptions> parseBenchOptions(const QStringList &arguments, QString *error,
                                              bool *exitNow)
{
    *exitNow = false;
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "afcgi-bench: a multiplexing FastCGI load generator. Keeps conns x depth requests in "
        "flight (each with its own request id, KEEP_CONN), verifies every response and prints "
        "requests/s, latency percentiles, bytes/s, errors and a final JSON line. With --hold it "
        "opens N slow requests instead and reports the server's memory per pending request."));
    p.addHelpOption();
    p.addVersionOption();
    const auto value = [&p](const char *name, const char *help, const char *valueName) {
        p.addOption({QString::fromLatin1(name), QString::fromLatin1(help),
                     QString::fromLatin1(valueName)});
    };
    value("addr", "Server address: host:port, [v6]:port or unix:/path (default 127.0.0.1:9000).", "ADDR");
    value("conns", "Connections (default 1).", "C");
    value("depth", "Requests in flight per connection, each with its own id (default 1: "
                   "sequential with KEEP_CONN).", "D");
    value("duration", "Seconds to measure (default 5). With --hold: seconds to keep the "
                      "requests pending once all are in flight (default 2).", "S");
    value("requests", "Stop after N measured requests instead of a duration.", "N");
    value("warmup", "Seconds of load before measuring (default 1; 0 with --hold).", "S");
    value("path", "Request URI (default /hello; /delay?ms=60000 with --hold).", "PATH");
    value("body", "POST a body of this many bytes (default 0: GET).", "BYTES");
    value("hold", "Open N requests to a slow path spread over the connections, keep them "
                  "pending and report when all are in flight.", "N");
    value("pid", "Server process id: with --hold, report its RSS (VmRSS) per pending request.", "PID");
    value("connect-timeout", "Seconds to wait for the connections (default 5).", "S");
    value("hold-timeout", "Seconds to wait for all held requests to be in flight (default 60).", "S");
    p.addOption({QStringLiteral("json-only"), QStringLiteral("Print only the final JSON line.")});
    p.addOption({QStringLiteral("no-progress"), QStringLiteral("No progress line, even on a terminal.")});

    if (!p.parse(arguments)) {
        *error = p.errorText();
        return std::nullopt;
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        *exitNow = true;
        return std::nullopt;
    }
    if (p.isSet(QStringLiteral("version"))) {
        std::printf("afcgi-bench %s\n", AFCGI_VERSION);
        *exitNow = true;
        return std::nullopt;
    }
    if (!p.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: %1").arg(p.positionalArguments().first());
        return std::nullopt;
    }

    BenchOptions o;
    bool ok = true;
    const auto integer = [&](const char *name, qint64 min, qint64 max, qint64 *out) {
        const QString key = QString::fromLatin1(name);
        if (!ok || !p.isSet(key))
            return;
        bool parsed = false;
        const qint64 v = p.value(key).toLongLong(&parsed);
        if (!parsed || v < min || v > max) {
            *error = QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                         .arg(key).arg(min).arg(max).arg(p.value(key));
            ok = false;
            return;
        }
        *out = v;
    };
    const auto seconds = [&](const char *name, double *out) {
        const QString key = QString::fromLatin1(name);
        if (!ok || !p.isSet(key))
            return;
        bool parsed = false;
        const double v = p.value(key).toDouble(&parsed);
        if (!parsed || v < 0 || v > 86400) {
            *error = QStringLiteral("--%1 must be a number of seconds, not '%2'").arg(key, p.value(key));
            ok = false;
            return;
        }
        *out = v;
    };

    qint64 conns = 1, depth = 1;
    integer("conns", 1, 100000, &conns);
    integer("depth", 1, kMaxDepth, &depth);
    integer("requests", 1, qint64(1) << 50, &o.requests);
    integer("body", 0, qint64(1) << 30, &o.bodyBytes);
    integer("hold", 1, qint64(1) << 32, &o.hold);
    integer("pid", 1, qint64(1) << 31, &o.pid);
    o.conns = int(conns);
    o.depth = int(depth);
    if (o.hold > 0) { // hold defaults differ: no warmup, a short hold, a slow path
        o.durationS = 2;
        o.warmupS = 0;
        o.path = QString::fromLatin1(kDefaultHoldPath);
    }
    seconds("duration", &o.durationS);
    seconds("warmup", &o.warmupS);
    seconds("connect-timeout", &o.connectTimeoutS);
    seconds("hold-timeout", &o.holdTimeoutS);
    if (!ok)
        return std::nullopt;

    const QString addr = p.isSet(QStringLiteral("addr")) ? p.value(QStringLiteral("addr"))
                                                         : QStringLiteral("127.0.0.1:9000");
    const auto endpoint = Endpoint::parse(addr);
    if (!endpoint) {
        *error = QStringLiteral("bad --addr '%1': expected host:port, [v6]:port or unix:/path").arg(addr);
        return std::nullopt;
    }
    o.endpoint = *endpoint;
    if (p.isSet(QStringLiteral("path")))
        o.path = p.value(QStringLiteral("path"));
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
    o.jsonOnly = p.isSet(QStringLiteral("json-only"));
    o.progress = !p.isSet(QStringLiteral("no-progress")) && !o.jsonOnly;
    return o;
}

} // namespace afcgi::bench
