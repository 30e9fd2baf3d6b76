#include "handlers/cgi/cgibridge.h"

#include <afcgi/router.h>

#include "handlers/cgi/cgihandler.h"
#include "handlers/cgi/childreaper.h"
#include "handlers/metricstext.h"

#include <QDateTime>
#include <QJsonArray>

namespace afcgi {

CgiBridge::CgiBridge(const CgiConfig &config, qint64 bodyMemoryBytes, int killGraceMs)
    : m_config(config),
      m_bodyMemoryBytes(bodyMemoryBytes),
      m_limiter(config.maxChildren, config.queue),
      m_resolver(config.roots),
      m_reaper(std::make_unique<ChildReaper>(killGraceMs))
{
}

CgiBridge::~CgiBridge() = default;

void CgiBridge::mount(Router &router)
{
    for (const CgiMount &mount : m_config.mounts) {
        const int pool = m_limiter.addPool(mount.maxChildren);
        router.mount(mount.prefix, std::make_shared<CgiHandler>(this, mount, pool));
    }
    if (!m_config.roots.isEmpty())
        router.setFallback(std::make_shared<CgiHandler>(this, 0));
}

QString CgiBridge::statusKey() const
{
    return QStringLiteral("cgi");
}

QJsonObject CgiBridge::status(bool full) const
{
    const CgiTotals t = m_table.totals();
    QJsonObject object{
        {QStringLiteral("running"), m_table.count()},
        {QStringLiteral("waiting"), m_limiter.queued()},
        {QStringLiteral("max_children"), m_config.maxChildren},
        {QStringLiteral("queue"), m_config.queue},
        {QStringLiteral("timeout_ms"), m_config.timeoutMs},
        {QStringLiteral("started"), t.started},
        {QStringLiteral("start_failures"), t.startFailures},
        {QStringLiteral("rejected"), t.rejected},
        {QStringLiteral("timed_out"), t.timedOut},
        {QStringLiteral("terminated"), t.terminated},
        {QStringLiteral("bad_headers"), t.badHeaders},
        {QStringLiteral("killed_by_signal"), t.killedBySignal},
    };
    if (!full)
        return object;
    QJsonArray children;
    for (const CgiChildInfo &child : m_table.children()) {
        children.append(QJsonObject{
            {QStringLiteral("pid"), child.pid},
            {QStringLiteral("program"), child.program},
            {QStringLiteral("mount"), child.mount},
            {QStringLiteral("connection_id"), qint64(child.connectionId)},
            {QStringLiteral("request_id"), child.requestId},
            {QStringLiteral("started"), QDateTime::fromMSecsSinceEpoch(child.startedMs).toString(Qt::ISODateWithMs)},
            {QStringLiteral("age_ms"), child.ageMs},
            {QStringLiteral("bytes_in"), child.bytesIn},
            {QStringLiteral("bytes_out"), child.bytesOut},
            {QStringLiteral("state"), child.finishing ? QStringLiteral("finishing") : QStringLiteral("running")},
        });
    }
    object.insert(QStringLiteral("children"), children);
    return object;
}

QByteArray CgiBridge::metrics() const
{
    const CgiTotals t = m_table.totals();
    MetricsText out;
    out.family("afcgi_cgi_children", "gauge", "CGI programs running (or finishing) now.");
    out.sample("afcgi_cgi_children", m_table.count());
    out.family("afcgi_cgi_waiting", "gauge", "Requests waiting for a CGI slot.");
    out.sample("afcgi_cgi_waiting", m_limiter.queued());
    out.family("afcgi_cgi_max_children", "gauge", "--cgi-max-children.");
    out.sample("afcgi_cgi_max_children", m_config.maxChildren);
    struct Total
    {
        const char *name;
        const char *help;
        qint64 value;
    };
    const Total totals[] = {
        {"afcgi_cgi_started_total", "CGI programs started.", t.started},
        {"afcgi_cgi_start_failures_total", "CGI programs that could not be run (502).", t.startFailures},
        {"afcgi_cgi_rejected_total", "Requests refused with 503: the queue was full.", t.rejected},
        {"afcgi_cgi_timed_out_total", "CGI programs that ran past --cgi-timeout.", t.timedOut},
        {"afcgi_cgi_terminated_total", "CGI process groups stopped: timeouts, aborts, shutdown.", t.terminated},
        {"afcgi_cgi_bad_headers_total", "Malformed or missing CGI header blocks (502).", t.badHeaders},
        {"afcgi_cgi_killed_by_signal_total", "CGI programs that ended by a signal.", t.killedBySignal},
    };
    for (const Total &total : totals) {
        out.family(total.name, "counter", total.help);
        out.sample(total.name, double(total.value));
    }
    // One series per running child: as many as --cgi-max-children at most.
    const QList<CgiChildInfo> children = m_table.children();
    QList<QByteArray> labels;
    for (const CgiChildInfo &child : children) {
        labels.append("pid=\"" + QByteArray::number(child.pid) + "\",program=\""
                      + MetricsText::escapeLabel(child.program.toUtf8()) + "\",mount=\""
                      + MetricsText::escapeLabel(child.mount.toUtf8()) + '"');
    }
    out.family("afcgi_cgi_child_age_seconds", "gauge", "Age of each running CGI program.");
    for (qsizetype i = 0; i < children.size(); ++i)
        out.sample("afcgi_cgi_child_age_seconds", double(children[i].ageMs) / 1000.0, labels[i]);
    out.family("afcgi_cgi_child_bytes", "gauge",
               "Bytes each running CGI program read (direction=\"in\") and wrote (\"out\").");
    for (qsizetype i = 0; i < children.size(); ++i) {
        out.sample("afcgi_cgi_child_bytes", double(children[i].bytesIn), labels[i] + ",direction=\"in\"");
        out.sample("afcgi_cgi_child_bytes", double(children[i].bytesOut), labels[i] + ",direction=\"out\"");
    }
    return out.text();
}

} // namespace afcgi
