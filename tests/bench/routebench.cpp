// What routing costs one request, in nanoseconds: the decoded path matched against the
// built-in mounts alone, and against 200 more patterns (routetable.h), for a few kinds of
// request; beside it, what decoding the path costs (done once per request either way).
//   afcgi-routebench [iterations]        (default 2,000,000 per row)
#include <afcgi/router.h>
#include <afcgi/serverinfo.h>

#include "engine/requestpath.h"
#include "engine/routerprivate.h"
#include "handlers/builtinhandlers.h"
#include "routetable.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

namespace {
// The built-ins' ServerInfo is only read when /status or /metrics is called: none here.
class NoServer final : public afcgi::ServerInfo
{
public:
    afcgi::ServerCounters counters() const override { return {}; }
    afcgi::ServerLimits limits() const override { return {}; }
    QStringList listenerNames() const override { return {}; }
    int workerCount() const override { return 1; }
    QDateTime startTime() const override { return {}; }
    qint64 uptimeMs() const override { return 0; }
    QList<qint64> durationHistogram(const QList<double> &) const override { return {}; }
    void collectActiveRequests(QObject *, std::function<void(const QList<afcgi::ActiveRequestInfo> &)>) const override {}
    QList<afcgi::RouteStats> routeStats(const QList<double> &) const override { return {}; }
    QList<qint64> blockedTurns() const override { return {}; }
};

volatile quintptr g_sink; // keeps the loops from being optimized away

double nsPerResolve(const afcgi::Router &router, const QString &path, QByteArrayView method, int iterations)
{
    const afcgi::RouterPrivate *d = afcgi::RouterPrivate::get(router);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < iterations; ++i) {
        afcgi::RouteResolution resolution;
        d->resolve(path, 0, method, resolution);
        g_sink = quintptr(resolution.handler) + quintptr(resolution.params.size());
    }
    return double(timer.nsecsElapsed()) / iterations;
}

double nsPerDecode(const QByteArray &uri, int iterations)
{
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < iterations; ++i)
        g_sink = quintptr(afcgi::decodeRequestPath(uri).size());
    return double(timer.nsecsElapsed()) / iterations;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int iterations = argc > 1 ? QByteArray(argv[1]).toInt() : 2000000;
    NoServer server;
    afcgi::Router builtins;
    afcgi::mountBuiltinHandlers(builtins, server);
    afcgi::Router large;
    afcgi::mountBuiltinHandlers(large, server);
    addBenchRoutes(large);

    struct Row
    {
        const char *what;
        QByteArray uri;
        QByteArray method;
    };
    const Row rows[] = {
        {"/hello (a built-in mount)", "/hello", "GET"},
        {"/resource20/12345 (int param)", "/resource20/12345", "GET"},
        {"/resource39 POST", "/resource39", "POST"},
        {"/static/a/b/c.css (rest)", "/static/a/b/c.css", "GET"},
        {"/nothing/here (404)", "/nothing/here", "GET"},
        {"/resource7/1 PATCH (405)", "/resource7/1", "PATCH"},
    };
    std::printf("%-32s %14s %14s %12s\n", "request", "built-ins ns", "+200 ns", "decode ns");
    for (const Row &row : rows) {
        const QString path = afcgi::decodeRequestPath(row.uri);
        const double small = nsPerResolve(builtins, path, row.method, iterations);
        const double big = nsPerResolve(large, path, row.method, iterations);
        const double decode = nsPerDecode(row.uri, iterations);
        std::printf("%-32s %14.1f %14.1f %12.1f\n", row.what, small, big, decode);
    }
    return 0;
}
