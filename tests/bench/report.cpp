#include "report.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace afcgi::bench {

namespace {
QString count(quint64 n)
{
    return QLocale(QLocale::English).toString(n); // thousands separators
}

QString duration(qint64 ns)
{
    if (ns < 1000000)
        return QStringLiteral("%1 us").arg(double(ns) / 1e3, 0, 'f', 1);
    if (ns < 1000000000)
        return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', 2);
    return QStringLiteral("%1 s").arg(double(ns) / 1e9, 0, 'f', 2);
}

QString rate(double perSecond, const char *unit)
{
    if (perSecond >= 1e6)
        return QStringLiteral("%1 M%2").arg(perSecond / 1e6, 0, 'f', 2).arg(QLatin1String(unit));
    if (perSecond >= 1e3)
        return QStringLiteral("%1 k%2").arg(perSecond / 1e3, 0, 'f', 1).arg(QLatin1String(unit));
    return QStringLiteral("%1 %2").arg(perSecond, 0, 'f', 0).arg(QLatin1String(unit));
}

double perSecond(quint64 n, double seconds)
{
    return seconds > 0 ? double(n) / seconds : 0;
}

double us(double ns)
{
    return qRound64(ns / 10.0) / 100.0; // microseconds with two decimals
}
} // namespace

QString Report::text(const BenchResult &r) const
{
    const BenchOptions &o = m_options;
    const LoadCounters &c = r.counters;
    QString s;
    const QString what = QStringLiteral("%1 conns x depth %2, %3 %4%5")
                             .arg(o.conns).arg(o.depth)
                             .arg(o.bodyBytes > 0 ? QLatin1String("POST") : QLatin1String("GET"), o.path)
                             .arg(o.bodyBytes > 0 ? QStringLiteral(" (%1-byte body)").arg(o.bodyBytes) : QString());
    if (o.isHold()) {
        s += QStringLiteral("afcgi-bench: %1, hold %2 requests on %3 conns, %4\n")
                 .arg(o.endpoint.toString(), count(quint64(o.hold))).arg(o.conns).arg(o.path);
        s += QStringLiteral("  in flight   %1 of %2 after %3 s\n")
                 .arg(count(quint64(r.held)), count(quint64(o.hold)))
                 .arg(r.inFlightAfterS, 0, 'f', 2);
        if (r.rssHeldKb >= 0) {
            s += QStringLiteral("  server RSS  %1 kB before, %2 kB holding: %3 bytes per pending request\n")
                     .arg(count(quint64(qMax<qint64>(0, r.rssBeforeKb))), count(quint64(r.rssHeldKb)))
                     .arg(r.held > 0 ? double(r.rssHeldKb - qMax<qint64>(0, r.rssBeforeKb)) * 1024 / double(r.held) : 0,
                          0, 'f', 0);
        }
    } else {
        const LatencyRecorder &l = *r.latency;
        s += QStringLiteral("afcgi-bench: %1, %2\n").arg(o.endpoint.toString(), what);
        s += QStringLiteral("  requests    %1 in %2 s: %3\n")
                 .arg(count(c.completed)).arg(r.elapsedS, 0, 'f', 3)
                 .arg(rate(perSecond(c.completed, r.elapsedS), "req/s"));
        s += QStringLiteral("  latency     mean %1  p50 %2  p90 %3  p99 %4  max %5\n")
                 .arg(duration(qint64(l.meanNs())), duration(l.percentileNs(50)),
                      duration(l.percentileNs(90)), duration(l.percentileNs(99)), duration(l.maxNs()));
        s += QStringLiteral("  transfer    in %1  out %2\n")
                 .arg(rate(perSecond(c.bytesIn, r.elapsedS), "B/s"),
                      rate(perSecond(c.bytesOut, r.elapsedS), "B/s"));
        if (r.benchCpuPercent >= 0)
            s += QStringLiteral("  bench CPU   %1 % of one core%2\n")
                     .arg(r.benchCpuPercent, 0, 'f', 0)
                     .arg(r.benchCpuPercent > 90 ? QStringLiteral(" (saturated: the bench, not the server, may be the limit)")
                                                 : QString());
    }
    s += QStringLiteral("  errors      %1 (wrong status %2, wrong body %3, protocol %4, rejected %5, "
                        "connection failures %6)\n")
             .arg(c.errors()).arg(c.wrongStatus).arg(c.wrongBody).arg(c.protocolErrors)
             .arg(c.rejected).arg(c.connectFailures);
    if (!r.ok)
        s += QStringLiteral("  FAILED      %1\n").arg(r.failure);
    return s;
}

QByteArray Report::json(const BenchResult &r) const
{
    const BenchOptions &o = m_options;
    const LoadCounters &c = r.counters;
    QJsonObject j{
        {QStringLiteral("tool"), QStringLiteral("afcgi-bench")},
        {QStringLiteral("ok"), r.ok},
        {QStringLiteral("mode"), o.isHold() ? QStringLiteral("hold") : QStringLiteral("load")},
        {QStringLiteral("addr"), o.endpoint.toString()},
        {QStringLiteral("conns"), o.conns},
        {QStringLiteral("path"), o.path},
        {QStringLiteral("errors"), QJsonObject{
             {QStringLiteral("total"), qint64(c.errors())},
             {QStringLiteral("wrong_status"), qint64(c.wrongStatus)},
             {QStringLiteral("wrong_body"), qint64(c.wrongBody)},
             {QStringLiteral("protocol"), qint64(c.protocolErrors)},
             {QStringLiteral("rejected"), qint64(c.rejected)},
             {QStringLiteral("connection"), qint64(c.connectFailures)}}},
    };
    if (!r.ok)
        j.insert(QStringLiteral("failure"), r.failure);
    if (o.isHold()) {
        j.insert(QStringLiteral("hold"), o.hold);
        j.insert(QStringLiteral("held"), r.held);
        j.insert(QStringLiteral("in_flight_after_s"), qRound64(r.inFlightAfterS * 1000) / 1000.0);
        if (r.rssHeldKb >= 0) {
            j.insert(QStringLiteral("rss_before_kb"), r.rssBeforeKb);
            j.insert(QStringLiteral("rss_held_kb"), r.rssHeldKb);
            j.insert(QStringLiteral("rss_per_request_bytes"),
                     r.held > 0 ? qRound64(double(r.rssHeldKb - qMax<qint64>(0, r.rssBeforeKb)) * 1024 / double(r.held)) : 0);
        }
    } else {
        const LatencyRecorder &l = *r.latency;
        j.insert(QStringLiteral("depth"), o.depth);
        j.insert(QStringLiteral("body_bytes"), o.bodyBytes);
        j.insert(QStringLiteral("duration_s"), qRound64(r.elapsedS * 1000) / 1000.0);
        j.insert(QStringLiteral("requests"), qint64(c.completed));
        j.insert(QStringLiteral("rps"), qRound64(perSecond(c.completed, r.elapsedS)));
        j.insert(QStringLiteral("bytes_in_per_s"), qRound64(perSecond(c.bytesIn, r.elapsedS)));
        j.insert(QStringLiteral("bytes_out_per_s"), qRound64(perSecond(c.bytesOut, r.elapsedS)));
        if (r.benchCpuPercent >= 0)
            j.insert(QStringLiteral("bench_cpu_percent"), qRound64(r.benchCpuPercent * 10) / 10.0);
        j.insert(QStringLiteral("latency_us"), QJsonObject{
                     {QStringLiteral("mean"), us(l.meanNs())},
                     {QStringLiteral("p50"), us(double(l.percentileNs(50)))},
                     {QStringLiteral("p90"), us(double(l.percentileNs(90)))},
                     {QStringLiteral("p99"), us(double(l.percentileNs(99)))},
                     {QStringLiteral("max"), us(double(l.maxNs()))}});
    }
    return QJsonDocument(j).toJson(QJsonDocument::Compact);
}

} // namespace afcgi::bench
