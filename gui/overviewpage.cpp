#include "overviewpage.h"

#include "format.h"
#include "servicestate.h"

#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

#include <algorithm>

namespace afcgi::gui {

namespace {
const QString kEmpty = QStringLiteral("–");
} // namespace

OverviewPage::OverviewPage(const ServiceState *state, QWidget *parent) : QWidget(parent), m_state(state)
{
    auto *service = new QGroupBox(tr("Service"), this);
    auto *serviceGrid = new QGridLayout(service);
    QLabel *stateLabel = addValue(serviceGrid, 0, tr("State"), QStringLiteral("state"));
    QFont big = stateLabel->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    stateLabel->setFont(big);
    addValue(serviceGrid, 1, tr("Process"), QStringLiteral("process"));
    addValue(serviceGrid, 2, tr("Listeners"), QStringLiteral("listeners"))->setWordWrap(true);
    addValue(serviceGrid, 3, tr("Threads"), QStringLiteral("threads"));
    addValue(serviceGrid, 4, tr("Log level"), QStringLiteral("log-level"));
    serviceGrid->setRowStretch(5, 1);
    serviceGrid->setColumnStretch(1, 1);

    auto *now = new QGroupBox(tr("Answers per second"), this);
    auto *nowGrid = new QGridLayout(now);
    addValue(nowGrid, 0, tr("Requests"), QStringLiteral("requests-rate"));
    addValue(nowGrid, 1, tr("2xx"), QStringLiteral("status-2xx"));
    addValue(nowGrid, 2, tr("3xx"), QStringLiteral("status-3xx"));
    addValue(nowGrid, 3, tr("4xx"), QStringLiteral("status-4xx"));
    addValue(nowGrid, 4, tr("5xx"), QStringLiteral("status-5xx"));
    addValue(nowGrid, 5, tr("No status"), QStringLiteral("status-none"))
        ->setToolTip(tr("Ended without an HTTP status: aborted, or a protocol error"));
    addValue(nowGrid, 6, tr("Errors"), QStringLiteral("errors-rate"))
        ->setToolTip(tr("5xx answers and protocol errors"));
    addValue(nowGrid, 7, tr("Aborts"), QStringLiteral("aborts-rate"));
    nowGrid->setRowStretch(8, 1);

    auto *limits = new QGroupBox(tr("Use of the limits"), this);
    auto *limitsGrid = new QGridLayout(limits);
    addBar(limitsGrid, 0, tr("Connections"), QStringLiteral("connections"));
    addBar(limitsGrid, 1, tr("Busiest connection"), QStringLiteral("busiest"))
        ->setToolTip(tr("Requests in flight on the busiest connection, of max-requests-per-conn"));
    addValue(limitsGrid, 2, tr("Request queues"), QStringLiteral("queue"))
        ->setToolTip(tr("Requests over max-requests-per-conn, waiting for a slot"));
    addValue(limitsGrid, 3, tr("Active requests"), QStringLiteral("active"));
    addValue(limitsGrid, 4, tr("Open for"), QStringLiteral("uptime"));
    limitsGrid->setRowStretch(5, 1);
    limitsGrid->setColumnStretch(1, 1);

    auto *top = new QHBoxLayout;
    top->addWidget(service, 3);
    top->addWidget(now, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(limits);
    layout->addStretch(1);
    clear();
}

QLabel *OverviewPage::addValue(QGridLayout *grid, int row, const QString &label, const QString &key)
{
    grid->addWidget(new QLabel(label, this), row, 0, Qt::AlignLeft | Qt::AlignTop);
    auto *value = new QLabel(kEmpty, this);
    value->setObjectName(QStringLiteral("overview-") + key);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(value, row, 1);
    m_values.insert(key, value);
    return value;
}

QProgressBar *OverviewPage::addBar(QGridLayout *grid, int row, const QString &label, const QString &key)
{
    grid->addWidget(new QLabel(label, this), row, 0);
    auto *bar = new QProgressBar(this);
    bar->setObjectName(QStringLiteral("overview-") + key);
    bar->setTextVisible(true);
    grid->addWidget(bar, row, 1);
    m_bars.insert(key, bar);
    return bar;
}

QString OverviewPage::text(const QString &key) const
{
    if (const QLabel *label = m_values.value(key))
        return label->text();
    if (const QProgressBar *bar = m_bars.value(key))
        return bar->format();
    return {};
}

void OverviewPage::set(const QString &key, const QString &text)
{
    m_values.value(key)->setText(text);
}

qint64 OverviewPage::limit(const QString &name) const
{
    for (const auto &[key, value] : m_hello.limits) {
        if (key == name)
            return value;
    }
    return 0;
}

void OverviewPage::setUse(const QString &key, qint64 used, qint64 limit, const QString &extra)
{
    QProgressBar *bar = m_bars.value(key);
    // A bar holds ints: scale to per mille of the limit.
    bar->setRange(0, 1000);
    bar->setValue(limit > 0 ? int(qBound(qint64(0), used * 1000 / limit, qint64(1000))) : 0);
    bar->setFormat(limit > 0 ? tr("%1 of %2").arg(format::total(used), format::total(limit)) + extra
                             : format::total(used) + tr(" (no limit)") + extra);
}

void OverviewPage::applyHello(const monitor::Hello &hello)
{
    m_hello = hello;
    set(QStringLiteral("process"), tr("pid %1, version %2").arg(hello.pid).arg(hello.serverVersion));
    set(QStringLiteral("listeners"), hello.listeners.isEmpty() ? kEmpty : hello.listeners.join(QLatin1String(", ")));
    set(QStringLiteral("threads"), QString::number(hello.threads));
    showState();
}

void OverviewPage::applyTick(const monitor::Tick &tick)
{
    const monitor::Rates &r = tick.rates;
    set(QStringLiteral("requests-rate"), format::perSecond(r.requests));
    for (int c = 0; c < int(r.byStatus.size()); ++c) {
        const QString key = QStringLiteral("status-") + QLatin1String(monitor::kStatusClassNames[c]);
        if (m_values.contains(key)) // 1xx has no row: FastCGI answers never end with one
            set(key, format::perSecond(r.byStatus[size_t(c)]));
    }
    set(QStringLiteral("errors-rate"), format::perSecond(r.errors));
    set(QStringLiteral("aborts-rate"), format::perSecond(r.aborts));

    const monitor::Totals &t = tick.totals;
    setUse(QStringLiteral("connections"), t.connectionsOpen, limit(QStringLiteral("max-conns")),
           t.connectionsWaiting > 0 ? tr(", %1 waiting").arg(format::total(t.connectionsWaiting)) : QString());
    if (tick.inFlight) {
        qint64 busiest = 0;
        for (const monitor::ConnectionGauge &g : *tick.inFlight)
            busiest = qMax(busiest, g.requests);
        setUse(QStringLiteral("busiest"), busiest, limit(QStringLiteral("max-requests-per-conn")));
        const qint64 queue = limit(QStringLiteral("request-queue"));
        set(QStringLiteral("queue"), queue > 0 ? tr("%1 waiting (up to %2 per connection)")
                                                     .arg(format::total(t.requestsWaiting), format::total(queue))
                                               : tr("%1 waiting (no queue: over the limit is refused)")
                                                     .arg(format::total(t.requestsWaiting)));
    } else {
        m_bars.value(QStringLiteral("busiest"))->setFormat(tr("not told by this service"));
        set(QStringLiteral("queue"), kEmpty);
    }
    set(QStringLiteral("active"), format::total(t.requestsActive));
    set(QStringLiteral("uptime"), format::duration(tick.timeMs - m_hello.startTimeMs));
    showState();
}

void OverviewPage::showState()
{
    QString state;
    format::Semantic semantic = format::Semantic::Muted;
    switch (m_state->phase()) {
    case ServiceState::Phase::Running: state = tr("Running"); break;
    case ServiceState::Phase::Draining:
        state = tr("Draining: %1 left").arg(format::duration(m_state->drainLeftMs()));
        semantic = format::Semantic::Warning;
        break;
    case ServiceState::Phase::Disconnected:
        state = tr("Disconnected");
        semantic = format::Semantic::Error;
        break;
    case ServiceState::Phase::Connecting: state = tr("Connecting…"); break;
    }
    QLabel *label = m_values.value(QStringLiteral("state"));
    label->setText(state);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, m_state->phase() == ServiceState::Phase::Running
                                         ? palette().color(QPalette::WindowText)
                                         : format::color(semantic));
    label->setPalette(p);
    const QString level = m_state->logLevel();
    set(QStringLiteral("log-level"), level.isEmpty() ? kEmpty : level);
}

void OverviewPage::clear()
{
    for (auto it = m_values.begin(); it != m_values.end(); ++it)
        it.value()->setText(kEmpty);
    for (QProgressBar *bar : std::as_const(m_bars)) {
        bar->setRange(0, 1000);
        bar->setValue(0);
        bar->setFormat(kEmpty);
    }
    showState();
}

} // namespace afcgi::gui
