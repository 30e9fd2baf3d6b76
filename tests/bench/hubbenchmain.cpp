// afcgi-hubbench: holds N subscribers of the publish/subscribe hub and publishes to them.
//   --fcgi ADDR       subscribers as FastCGI requests multiplexed on --connections connections
//   --http HOST:PORT  subscribers as HTTP clients through a web server (afcgi behind nginx, or
//                     nginx with Nchan: the paths are templates, --sub-path/--pub-path)
// Then either --messages M (fan-out: one message at a time to every subscriber, the next once
// all have it) or --rate-seconds D (one message a second on each channel for D seconds).
// Reports the RSS of the --pid processes (before, held, per subscriber), the time from each
// publish to each delivery and to the last delivery of each message, deliveries/s.
#include "endpoint.h"
#include "engine/eventdispatcher.h"
#include "fanoutstats.h"
#include "fcgisubscriberpool.h"
#include "httpsubscriberpool.h"
#include "platform.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>

using namespace afcgi::bench;

namespace {
struct Options
{
    QString fcgi, http, label;
    int subscribers = 1000, connections = 100, channels = 1, messages = 10, rateSeconds = 0;
    QByteArray subPath = "/sub/{ch}", pubPath = "/pub/{ch}";
    QList<qint64> pids;
};

qint64 rssKb(const QList<qint64> &pids)
{
    qint64 total = 0;
    for (qint64 pid : pids)
        total += qMax<qint64>(0, readRssKb(pid));
    return total;
}

QByteArray channelPath(const QByteArray &pattern, int channel)
{
    return QByteArray(pattern).replace("{ch}", "c" + QByteArray::number(channel));
}

// Runs the event loop until `done` holds or `timeoutMs` passes.
bool runUntil(const std::function<bool()> &done, int timeoutMs)
{
    const qint64 deadline = nowNs() + qint64(timeoutMs) * 1000000;
    while (!done()) {
        if (nowNs() > deadline)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

// The command name of a process, for the report ("nginx", "afcgid"); empty where unknown.
QString processName(qint64 pid)
{
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    return comm.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(comm.readAll().trimmed()) : QString();
}

void out(const QString &line)
{
    std::printf("%s\n", qPrintable(line));
    std::fflush(stdout);
}
} // namespace

int main(int argc, char *argv[])
{
    // AFCGI_BENCH_EPOLL=1: afcgid's worker loop (epoll) instead of Qt's, for 10,000 sockets.
    if (qEnvironmentVariableIntValue("AFCGI_BENCH_EPOLL") == 1) {
        if (QAbstractEventDispatcher *dispatcher = afcgi::createWorkerEventDispatcher())
            QCoreApplication::setEventDispatcher(dispatcher);
    }
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOptions({{"fcgi", "afcgid's FastCGI address.", "ADDR"},
                  {"http", "A web server's host:port.", "HOSTPORT"},
                  {"subscribers", "Subscribers (default 1000).", "N"},
                  {"connections", "FastCGI connections (default 100).", "N"},
                  {"channels", "Channels c0..cK-1; subscriber i on c(i % K) (default 1).", "K"},
                  {"messages", "Fan-out: messages, one at a time (default 10).", "M"},
                  {"rate-seconds", "Rate: one message a second per channel, for D s.", "D"},
                  {"sub-path", "Subscribe path, {ch} = channel (default /sub/{ch}).", "PATH"},
                  {"pub-path", "Publish path (default /pub/{ch}).", "PATH"},
                  {"pid", "A server process whose RSS counts (repeatable).", "PID"},
                  {"label", "Name of this run in the report.", "TEXT"}});
    p.process(app);
    Options o;
    o.fcgi = p.value("fcgi");
    o.http = p.value("http");
    o.label = p.value("label");
    const auto number = [&p](const char *name, int fallback) {
        return p.isSet(name) ? p.value(name).toInt() : fallback;
    };
    o.subscribers = number("subscribers", o.subscribers);
    o.connections = number("connections", o.connections);
    o.channels = qMax(1, number("channels", o.channels));
    o.messages = number("messages", o.messages);
    o.rateSeconds = number("rate-seconds", 0);
    if (p.isSet("sub-path"))
        o.subPath = p.value("sub-path").toUtf8();
    if (p.isSet("pub-path"))
        o.pubPath = p.value("pub-path").toUtf8();
    for (const QString &pid : p.values("pid"))
        o.pids.append(pid.toLongLong());

    SubscriberPool *pool = nullptr;
    if (!o.fcgi.isEmpty()) {
        const auto endpoint = Endpoint::parse(o.fcgi);
        if (!endpoint) {
            out(QStringLiteral("bad --fcgi address"));
            return 2;
        }
        pool = new FcgiSubscriberPool(*endpoint, &app);
    } else if (!o.http.isEmpty()) {
        const QString host = o.http.section(QLatin1Char(':'), 0, -2);
        pool = new HttpSubscriberPool(host, quint16(o.http.section(QLatin1Char(':'), -1).toUInt()), &app);
    } else {
        out(QStringLiteral("give --fcgi ADDR or --http HOST:PORT"));
        return 2;
    }

    FanoutStats stats;
    pool->setDelivered([&stats](quint64 n) { stats.delivered(n, nowNs()); });
    QList<qint64> baseByPid;
    for (qint64 pid : std::as_const(o.pids))
        baseByPid.append(rssKb({pid}));
    const qint64 baseKb = rssKb(o.pids);
    const qint64 openNs = nowNs();
    pool->open(o.subscribers, o.connections,
               [&o](int i) { return channelPath(o.subPath, i % o.channels); });
    if (!runUntil([&] { return pool->subscribed() + pool->failed() >= o.subscribers; }, 300000)
        || pool->failed() > 0) {
        out(QStringLiteral("%1: only %2 of %3 subscribed (%4 failed)")
                .arg(o.label).arg(pool->subscribed()).arg(o.subscribers).arg(pool->failed()));
        return 1;
    }
    const double openS = double(nowNs() - openNs) / 1e9;
    runUntil([] { return false; }, 1000); // let the server settle before reading its memory
    const qint64 heldKb = rssKb(o.pids);
    out(QStringLiteral("%1: %2 subscribers held in %3 s; RSS %4 kB -> %5 kB, %6 B per subscriber")
            .arg(o.label).arg(o.subscribers).arg(openS, 0, 'f', 1).arg(baseKb).arg(heldKb)
            .arg(o.subscribers ? double(heldKb - baseKb) * 1024 / o.subscribers : 0, 0, 'f', 0));
    if (o.pids.size() > 1) { // which process holds what
        QStringList parts;
        for (int i = 0; i < o.pids.size(); ++i) {
            const qint64 kb = rssKb({o.pids.at(i)});
            parts.append(QStringLiteral("pid %1 (%2) %3 kB -> %4 kB")
                             .arg(o.pids.at(i)).arg(processName(o.pids.at(i))).arg(baseByPid.at(i)).arg(kb));
        }
        out(QStringLiteral("%1: RSS by process: %2").arg(o.label, parts.join(QStringLiteral(", "))));
    }

    const auto perChannel = [&o](int channel) {
        return o.subscribers / o.channels + (channel < o.subscribers % o.channels ? 1 : 0);
    };
    quint64 next = 0;
    const auto publishOne = [&](int channel) {
        stats.published(next, nowNs(), perChannel(channel));
        pool->publish(channelPath(o.pubPath, channel), "m" + QByteArray::number(next));
        ++next;
    };
    if (o.rateSeconds > 0) {
        // Each channel once a second, the channels spread evenly over the second.
        const qint64 startNs = nowNs();
        const qint64 stepNs = 1000000000LL / o.channels;
        const qint64 total = qint64(o.rateSeconds) * o.channels;
        while (qint64(next) < total) {
            const qint64 due = startNs + qint64(next) * stepNs;
            runUntil([&] { return nowNs() >= due; }, 2000);
            publishOne(int(next % quint64(o.channels)));
        }
        runUntil([&] { return stats.complete(); }, 10000);
        const double seconds = double(nowNs() - startNs) / 1e9;
        out(QStringLiteral("%1: rate %2 msg/s on %3 channels for %4 s: %5 deliveries/s, %6 missing, %7 extra")
                .arg(o.label).arg(o.channels).arg(o.channels).arg(o.rateSeconds)
                .arg(double(stats.deliveries()) / seconds, 0, 'f', 0).arg(stats.missing())
                .arg(stats.duplicates()));
    } else {
        for (int m = 0; m < o.messages; ++m) {
            publishOne(m % o.channels);
            if (!runUntil([&] { return stats.complete(); }, 30000))
                break;
            runUntil([] { return false; }, 200); // a quiet moment between messages
        }
    }
    out(QStringLiteral("%1: delivery latency %2").arg(o.label, stats.deliveryLatency().toString()));
    out(QStringLiteral("%1: all-delivered latency %2").arg(o.label, stats.allDeliveredLatency().toString()));
    out(QStringLiteral("%1: publishes answered %2, refused %3; missing deliveries %4, extra %5; RSS now %6 kB")
            .arg(o.label).arg(pool->publishesAnswered()).arg(pool->publishesFailed())
            .arg(stats.missing()).arg(stats.duplicates()).arg(rssKb(o.pids)));
    return stats.complete() && stats.duplicates() == 0 ? 0 : 1;
}
