#include "soakoptions.h"

#include "toolcommandline.h"

#include <limits>

namespace afcgi::bench {

namespace {
constexpr int kMaxDepth = 65535;            // FastCGI request ids are 16 bits; 0 is the management id
constexpr qint64 kMaxStreamLines = 10000000; // what afcgid's /stream accepts
constexpr int kMaxDelayMs = 600000;
constexpr const char *kKindNames[kSoakKindCount] = {"hello", "echo", "delay", "stream", "abort", "disconnect"};

std::optional<SoakWeights> parseWeights(const QString &text, QString *error)
{
    SoakWeights w{};
    for (const QString &item : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList kv = item.split(QLatin1Char('='));
        int kind = -1;
        for (int i = 0; i < kSoakKindCount && kv.size() == 2; ++i)
            if (kv[0].trimmed() == QLatin1String(kKindNames[i]))
                kind = i;
        bool ok = false;
        const int weight = kv.size() == 2 ? kv[1].trimmed().toInt(&ok) : -1;
        if (kind < 0 || !ok || weight < 0 || weight > 1000000) {
            *error = QStringLiteral("bad --mix item '%1': expected kind=weight with kind one of "
                                    "hello, echo, delay, stream, abort, disconnect").arg(item);
            return std::nullopt;
        }
        w[size_t(kind)] = weight;
    }
    int requests = 0;
    for (int i = 0; i < kSoakKindCount; ++i)
        requests += i == int(SoakKind::Disconnect) ? 0 : w[size_t(i)];
    if (requests == 0) {
        *error = QStringLiteral("--mix needs a weight above 0 for at least one kind of request");
        return std::nullopt;
    }
    return w;
}
} // namespace

const char *soakKindName(SoakKind kind)
{
    return kKindNames[int(kind)];
}

QString SoakOptions::weightsText() const
{
    QStringList parts;
    for (int i = 0; i < kSoakKindCount; ++i)
        parts << QStringLiteral("%1=%2").arg(QLatin1String(kKindNames[i])).arg(weights[size_t(i)]);
    return parts.join(QLatin1Char(','));
}

std::optional<SoakOptions> parseSoakOptions(const QStringList &arguments, QString *error,
                                            bool *exitNow)
{
    ToolCommandLine p("afcgi-soak", QStringLiteral(
        "afcgi-soak: a long mixed FastCGI workload that checks every answer. Keeps conns x depth "
        "requests in flight, drawn from a weighted mix of /hello, /echo (random bodies, verified "
        "byte for byte), /delay, /stream (verified line by line), aborts and abrupt disconnects. "
        "With --pid it samples the server's RSS and fails when it grows after the warm-up."));
    p.addValue("conns", "Connections (default 8).", "C");
    p.addValue("depth", "Requests in flight per connection (default 16).", "D");
    p.addValue("requests", "Issue N requests, then wait for the last answers.", "N");
    p.addValue("duration", "Issue requests for S seconds, then wait for the last answers.", "S");
    p.addValue("warmup-requests", "Judge RSS from this many answered requests on (default: the "
                                  "first 10 % of --requests or of --duration).", "N");
    p.addValue("mix", "Relative weights (default hello=500,echo=150,delay=150,stream=100,abort=99,"
                      "disconnect=1); kinds left out weigh 0.", "LIST");
    p.addValue("echo-max", "Largest /echo body in bytes; sizes are drawn from 0 to this (default 262144).", "BYTES");
    p.addValue("delay-max", "Longest /delay in ms, drawn from 1 (default 50).", "MS");
    p.addValue("stream-lines", "Longest /stream in lines, drawn from 0 (default 1000).", "N");
    p.addValue("abort-stream-lines", "Lines an aborted /stream asks for (default 1000000).", "N");
    p.addValue("seed", "Seed of the mix, the sizes and the echo bytes (default 1).", "N");
    p.addValue("pid", "Server process id: sample its RSS (VmRSS).", "PID");
    p.addValue("rss-interval", "Seconds between RSS samples (default 1).", "S");
    p.addValue("rss-tolerance", "Fail when RSS after the warm-up grows by more than this many "
                                "percent (default 10).", "PERCENT");
    p.addValue("read-limit", "Read at most this many bytes per second per connection: a slow reader "
                             "(the run then ends by closing, not by draining).", "BYTES");
    p.addValue("connect-timeout", "Seconds to wait for the connections (default 5).", "S");
    p.addValue("drain-timeout", "Seconds to wait for the last answers (default 30).", "S");
    if (!p.parse(arguments)) {
        *error = p.error();
        *exitNow = error->isEmpty();
        return std::nullopt;
    }

    SoakOptions o;
    qint64 conns = o.conns, depth = o.depth, delayMax = o.delayMaxMs, seed = qint64(o.seed);
    p.integer("conns", 1, 10000, &conns);
    p.integer("depth", 1, kMaxDepth, &depth);
    p.integer("requests", 1, qint64(1) << 50, &o.requests);
    p.integer("warmup-requests", 0, qint64(1) << 50, &o.warmupRequests);
    p.integer("echo-max", 0, qint64(64) << 20, &o.echoMaxBytes);
    p.integer("delay-max", 1, kMaxDelayMs, &delayMax);
    p.integer("stream-lines", 0, kMaxStreamLines, &o.streamMaxLines);
    p.integer("abort-stream-lines", 1, kMaxStreamLines, &o.abortStreamLines);
    p.integer("seed", 0, std::numeric_limits<qint64>::max(), &seed);
    p.integer("pid", 1, qint64(1) << 31, &o.pid);
    p.integer("read-limit", 0, qint64(1) << 40, &o.readLimit);
    p.number("duration", 30 * 86400, &o.durationS);
    p.number("rss-interval", 3600, &o.rssIntervalS);
    p.number("rss-tolerance", 1e6, &o.rssTolerancePercent);
    p.number("connect-timeout", 3600, &o.connectTimeoutS);
    p.number("drain-timeout", 3600, &o.drainTimeoutS);
    const auto endpoint = p.endpoint();
    if (!p.ok()) {
        *error = p.error();
        return std::nullopt;
    }
    o.endpoint = *endpoint;
    o.conns = int(conns);
    o.depth = int(depth);
    o.delayMaxMs = int(delayMax);
    o.seed = quint64(seed);

    if (p.isSet("mix")) {
        const auto weights = parseWeights(p.value("mix"), error);
        if (!weights)
            return std::nullopt;
        o.weights = *weights;
    }
    if ((o.requests > 0) == (o.durationS > 0)) {
        *error = QStringLiteral("give either --requests or --duration");
        return std::nullopt;
    }
    if (o.rssIntervalS < 0.05) {
        *error = QStringLiteral("--rss-interval must be at least 0.05 s");
        return std::nullopt;
    }
    o.jsonOnly = p.jsonOnly();
    o.progress = p.progress();
    return o;
}

} // namespace afcgi::bench
