#include "soakreport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace afcgi::bench {

namespace {
QString count(quint64 n)
{
    return QLocale(QLocale::English).toString(n); // thousands separators
}

QString kb(qint64 n)
{
    return n < 0 ? QStringLiteral("-") : QStringLiteral("%1 kB").arg(count(quint64(n)));
}

QString bytes(quint64 n)
{
    if (n >= quint64(1) << 30)
        return QStringLiteral("%1 GiB").arg(double(n) / double(quint64(1) << 30), 0, 'f', 2);
    return QStringLiteral("%1 MiB").arg(double(n) / double(1 << 20), 0, 'f', 1);
}

QString us(qint64 ns)
{
    return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', 2);
}

double round2(double v)
{
    return qRound64(v * 100) / 100.0;
}
} // namespace

QString SoakReport::text(const SoakResult &r) const
{
    const SoakOptions &o = m_options;
    const SoakCounters &c = r.counters;
    const quint64 completed = c.completed();
    QString s;
    s += QStringLiteral("afcgi-soak: %1, %2 conns x depth %3, mix %4, seed %5%6\n")
             .arg(o.endpoint.toString()).arg(o.conns).arg(o.depth).arg(o.weightsText()).arg(o.seed)
             .arg(o.readLimit > 0 ? QStringLiteral(", reading %1 B/s per connection").arg(o.readLimit) : QString());
    s += QStringLiteral("  answers     %1 in %2 s (%3 req/s); %4 cut by disconnects%5\n")
             .arg(count(completed)).arg(r.elapsedS, 0, 'f', 1)
             .arg(r.elapsedS > 0 ? double(completed) / r.elapsedS : 0, 0, 'f', 0)
             .arg(count(c.cut))
             .arg(o.readLimit > 0 ? QStringLiteral(" or at the end") : QString());
    QStringList kinds;
    for (int i = 0; i < kSoakKindCount; ++i) {
        const auto k = size_t(i);
        if (SoakKind(i) == SoakKind::Disconnect)
            kinds << QStringLiteral("disconnect %1").arg(count(c.issued[k]));
        else
            kinds << QStringLiteral("%1 %2/%3").arg(QLatin1String(soakKindName(SoakKind(i))),
                                                   count(c.answered[k]), count(c.issued[k]));
    }
    s += QStringLiteral("  by kind     %1 (right/issued)\n").arg(kinds.join(QStringLiteral(", ")));
    s += QStringLiteral("  aborts      %1 ABORT_REQUEST sent\n").arg(count(c.abortsSent));
    s += QStringLiteral("  transfer    %1 out, %2 in\n").arg(bytes(c.bytesOut), bytes(c.bytesIn));
    if (r.latency)
        s += QStringLiteral("  latency     p50 %1  p99 %2  max %3\n")
                 .arg(us(r.latency->percentileNs(50)), us(r.latency->percentileNs(99)), us(r.latency->maxNs()));
    if (r.cpuPercent >= 0)
        s += QStringLiteral("  soak CPU    %1 % of one core\n").arg(r.cpuPercent, 0, 'f', 0);
    if (r.rssSampled) {
        const RssFigures &f = r.rss;
        s += QStringLiteral("  server RSS  start %1, peak %2; after warm-up: first %3, min %4, max %5, last %6\n")
                 .arg(kb(f.startKb), kb(f.peakKb), kb(f.warmFirstKb), kb(f.warmMinKb), kb(f.warmMaxKb), kb(f.lastKb));
        if (f.isWarm()) {
            QStringList trend;
            for (const qint64 v : f.trendKb())
                trend << count(quint64(v));
            s += QStringLiteral("  RSS trend   %1 kB (each tenth of the time after the warm-up)\n")
                     .arg(trend.join(QStringLiteral(", ")));
        }
        s += f.isWarm() ? QStringLiteral("  RSS growth  %1 % after the warm-up (tolerance %2 %)\n")
                              .arg(f.growthPercent(), 0, 'f', 1).arg(o.rssTolerancePercent)
                        : QStringLiteral("  RSS growth  not judged: the run ended within its warm-up\n");
    }
    s += QStringLiteral("  wrong       %1 (status %2, body %3, protocol %4, rejected %5, "
                        "connection lost %6, unanswered %7)\n")
             .arg(c.errors()).arg(c.wrongStatus).arg(c.wrongBody).arg(c.protocolErrors)
             .arg(c.rejected).arg(c.connectionLost).arg(c.unanswered);
    s += r.ok ? QStringLiteral("  PASS\n") : QStringLiteral("  FAILED      %1\n").arg(r.failure);
    return s;
}

QByteArray SoakReport::json(const SoakResult &r) const
{
    const SoakOptions &o = m_options;
    const SoakCounters &c = r.counters;
    QJsonObject mix, issued, answered, wrong;
    for (int i = 0; i < kSoakKindCount; ++i) {
        const QString name = QLatin1String(soakKindName(SoakKind(i)));
        mix.insert(name, o.weights[size_t(i)]);
        issued.insert(name, qint64(c.issued[size_t(i)]));
        if (SoakKind(i) != SoakKind::Disconnect) {
            answered.insert(name, qint64(c.answered[size_t(i)]));
            wrong.insert(name, qint64(c.wrong[size_t(i)]));
        }
    }
    QJsonObject j{
        {QStringLiteral("tool"), QStringLiteral("afcgi-soak")},
        {QStringLiteral("ok"), r.ok},
        {QStringLiteral("addr"), o.endpoint.toString()},
        {QStringLiteral("conns"), o.conns},
        {QStringLiteral("depth"), o.depth},
        {QStringLiteral("seed"), QString::number(o.seed)},
        {QStringLiteral("mix"), mix},
        {QStringLiteral("duration_s"), qRound64(r.elapsedS * 1000) / 1000.0},
        {QStringLiteral("requests"), qint64(c.completed())},
        {QStringLiteral("rps"), r.elapsedS > 0 ? qRound64(double(c.completed()) / r.elapsedS) : 0},
        {QStringLiteral("issued"), issued},
        {QStringLiteral("answered"), answered},
        {QStringLiteral("aborts_sent"), qint64(c.abortsSent)},
        {QStringLiteral("cut"), qint64(c.cut)},
        {QStringLiteral("bytes_out"), qint64(c.bytesOut)},
        {QStringLiteral("bytes_in"), qint64(c.bytesIn)},
        {QStringLiteral("errors"), QJsonObject{
             {QStringLiteral("total"), qint64(c.errors())},
             {QStringLiteral("wrong_status"), qint64(c.wrongStatus)},
             {QStringLiteral("wrong_body"), qint64(c.wrongBody)},
             {QStringLiteral("protocol"), qint64(c.protocolErrors)},
             {QStringLiteral("rejected"), qint64(c.rejected)},
             {QStringLiteral("connection"), qint64(c.connectionLost)},
             {QStringLiteral("unanswered"), qint64(c.unanswered)},
             {QStringLiteral("by_kind"), wrong}}},
    };
    if (o.readLimit > 0)
        j.insert(QStringLiteral("read_limit"), o.readLimit);
    if (r.cpuPercent >= 0)
        j.insert(QStringLiteral("soak_cpu_percent"), qRound64(r.cpuPercent * 10) / 10.0);
    if (r.latency)
        j.insert(QStringLiteral("latency_ms"), QJsonObject{
                     {QStringLiteral("p50"), round2(double(r.latency->percentileNs(50)) / 1e6)},
                     {QStringLiteral("p99"), round2(double(r.latency->percentileNs(99)) / 1e6)},
                     {QStringLiteral("max"), round2(double(r.latency->maxNs()) / 1e6)}});
    if (r.rssSampled) {
        const RssFigures &f = r.rss;
        QJsonObject rss{
            {QStringLiteral("start"), f.startKb},
            {QStringLiteral("peak"), f.peakKb},
            {QStringLiteral("warm_first"), f.warmFirstKb},
            {QStringLiteral("warm_min"), f.warmMinKb},
            {QStringLiteral("warm_max"), f.warmMaxKb},
            {QStringLiteral("last"), f.lastKb},
            {QStringLiteral("samples"), f.samples},
            {QStringLiteral("tolerance_percent"), o.rssTolerancePercent},
        };
        if (f.isWarm()) {
            rss.insert(QStringLiteral("growth_percent"), round2(f.growthPercent()));
            QJsonArray trend;
            for (const qint64 v : f.trendKb())
                trend.append(v);
            rss.insert(QStringLiteral("trend"), trend);
        }
        j.insert(QStringLiteral("rss_kb"), rss);
    }
    if (!r.ok)
        j.insert(QStringLiteral("failure"), r.failure);
    return QJsonDocument(j).toJson(QJsonDocument::Compact);
}

} // namespace afcgi::bench
