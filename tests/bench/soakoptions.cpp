#include "soakoptions.h"

#include <QCommandLineParser>

#include <cstdio>
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
    *exitNow = false;
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "afcgi-soak: a long mixed FastCGI workload that checks every answer. Keeps conns x depth "
        "requests in flight, drawn from a weighted mix of /hello, /echo (random bodies, verified "
        "byte for byte), /delay, /stream (verified line by line), aborts and abrupt disconnects. "
        "With --pid it samples the server's RSS and fails when it grows after the warm-up."));
    p.addHelpOption();
    p.addVersionOption();
    const auto value = [&p](const char *name, const char *help, const char *valueName) {
        p.addOption({QString::fromLatin1(name), QString::fromLatin1(help),
                     QString::fromLatin1(valueName)});
    };
    value("addr", "Server address: host:port, [v6]:port or unix:/path (default 127.0.0.1:9000).", "ADDR");
    value("conns", "Connections (default 8).", "C");
    value("depth", "Requests in flight per connection (default 16).", "D");
    value("requests", "Issue N requests, then wait for the last answers.", "N");
    value("duration", "Issue requests for S seconds, then wait for the last answers.", "S");
    value("warmup-requests", "Judge RSS from this many answered requests on (default: the "
                             "first 10 % of --requests or of --duration).", "N");
    value("mix", "Relative weights (default hello=500,echo=150,delay=150,stream=100,abort=99,"
                 "disconnect=1); kinds left out weigh 0.", "LIST");
    value("echo-max", "Largest /echo body in bytes; sizes are drawn from 0 to this (default 262144).", "BYTES");
    value("delay-max", "Longest /delay in ms, drawn from 1 (default 50).", "MS");
    value("stream-lines", "Longest /stream in lines, drawn from 0 (default 1000).", "N");
    value("abort-stream-lines", "Lines an aborted /stream asks for (default 1000000).", "N");
    value("seed", "Seed of the mix, the sizes and the echo bytes (default 1).", "N");
    value("pid", "Server process id: sample its RSS (VmRSS).", "PID");
    value("rss-interval", "Seconds between RSS samples (default 1).", "S");
    value("rss-tolerance", "Fail when RSS after the warm-up grows by more than this many "
                           "percent (default 10).", "PERCENT");
    value("read-limit", "Read at most this many bytes per second per connection: a slow reader "
                        "(the run then ends by closing, not by draining).", "BYTES");
    value("connect-timeout", "Seconds to wait for the connections (default 5).", "S");
    value("drain-timeout", "Seconds to wait for the last answers (default 30).", "S");
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
        std::printf("afcgi-soak %s\n", AFCGI_VERSION);
        *exitNow = true;
        return std::nullopt;
    }
    if (!p.positionalArguments().isEmpty()) {
        *error = QStringLiteral("unexpected argument: %1").arg(p.positionalArguments().first());
        return std::nullopt;
    }

    SoakOptions o;
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
    const auto number = [&](const char *name, double max, double *out) {
        const QString key = QString::fromLatin1(name);
        if (!ok || !p.isSet(key))
            return;
        bool parsed = false;
        const double v = p.value(key).toDouble(&parsed);
        if (!parsed || v < 0 || v > max) {
            *error = QStringLiteral("--%1 must be a number from 0 to %2, not '%3'").arg(key).arg(max).arg(p.value(key));
            ok = false;
            return;
        }
        *out = v;
    };

    qint64 conns = o.conns, depth = o.depth, delayMax = o.delayMaxMs, seed = qint64(o.seed);
    integer("conns", 1, 10000, &conns);
    integer("depth", 1, kMaxDepth, &depth);
    integer("requests", 1, qint64(1) << 50, &o.requests);
    integer("warmup-requests", 0, qint64(1) << 50, &o.warmupRequests);
    integer("echo-max", 0, qint64(64) << 20, &o.echoMaxBytes);
    integer("delay-max", 1, kMaxDelayMs, &delayMax);
    integer("stream-lines", 0, kMaxStreamLines, &o.streamMaxLines);
    integer("abort-stream-lines", 1, kMaxStreamLines, &o.abortStreamLines);
    integer("seed", 0, std::numeric_limits<qint64>::max(), &seed);
    integer("pid", 1, qint64(1) << 31, &o.pid);
    integer("read-limit", 0, qint64(1) << 40, &o.readLimit);
    number("duration", 30 * 86400, &o.durationS);
    number("rss-interval", 3600, &o.rssIntervalS);
    number("rss-tolerance", 1e6, &o.rssTolerancePercent);
    number("connect-timeout", 3600, &o.connectTimeoutS);
    number("drain-timeout", 3600, &o.drainTimeoutS);
    if (!ok)
        return std::nullopt;
    o.conns = int(conns);
    o.depth = int(depth);
    o.delayMaxMs = int(delayMax);
    o.seed = quint64(seed);

    if (p.isSet(QStringLiteral("mix"))) {
        const auto weights = parseWeights(p.value(QStringLiteral("mix")), error);
        if (!weights)
            return std::nullopt;
        o.weights = *weights;
    }
    const QString addr = p.isSet(QStringLiteral("addr")) ? p.value(QStringLiteral("addr"))
                                                         : QStringLiteral("127.0.0.1:9000");
    const auto endpoint = Endpoint::parse(addr);
    if (!endpoint) {
        *error = QStringLiteral("bad --addr '%1': expected host:port, [v6]:port or unix:/path").arg(addr);
        return std::nullopt;
    }
    o.endpoint = *endpoint;
    if ((o.requests > 0) == (o.durationS > 0)) {
        *error = QStringLiteral("give either --requests or --duration");
        return std::nullopt;
    }
    if (o.rssIntervalS < 0.05) {
        *error = QStringLiteral("--rss-interval must be at least 0.05 s");
        return std::nullopt;
    }
    o.jsonOnly = p.isSet(QStringLiteral("json-only"));
    o.progress = !p.isSet(QStringLiteral("no-progress")) && !o.jsonOnly;
    return o;
}

} // namespace afcgi::bench
