#include "chartspage.h"

#include "format.h"
#include "throughputchart.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <cmath>

namespace afcgi::gui {

namespace {
// Mid-tone series colours: readable on light and on dark bases alike.
const QColor kBlue(0x3b, 0x82, 0xf6);
const QColor kGreen(0x22, 0xa0, 0x55);
const QColor kOrange(0xf5, 0x9e, 0x0b);
const QColor kRed(0xef, 0x44, 0x44);
const QColor kPurple(0xa8, 0x55, 0xf7);

const QString kEmpty = QStringLiteral("–");
} // namespace

ChartsPage::ChartsPage(QWidget *parent)
    : QWidget(parent), m_throughput(new ThroughputChart(this)), m_latency(new ThroughputChart(this))
{
    m_throughput->setObjectName(QStringLiteral("throughputChart"));
    m_throughput->setTitle(tr("Throughput"));
    m_throughput->addSeries(tr("requests/s"), kBlue, ThroughputChart::Axis::Left);
    m_throughput->addSeries(tr("in"), kGreen, ThroughputChart::Axis::Right);
    m_throughput->addSeries(tr("out"), kOrange, ThroughputChart::Axis::Right);
    m_throughput->setFormatter(ThroughputChart::Axis::Left, &format::count);
    m_throughput->setFormatter(ThroughputChart::Axis::Right, &format::bytesPerSecond);
    m_throughput->setScale(ThroughputChart::Axis::Right, ThroughputChart::Scale::Binary);

    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_latency->setTitle(tr("Latency"));
    m_latency->addSeries(QStringLiteral("p50"), kGreen);
    m_latency->addSeries(QStringLiteral("p90"), kBlue);
    m_latency->addSeries(QStringLiteral("p99"), kPurple);
    m_latency->addSeries(tr("max"), kRed);
    m_latency->setFormatter(ThroughputChart::Axis::Left, &format::latency);
    // Percentiles a thousand times apart stay readable on decades.
    m_latency->setScale(ThroughputChart::Axis::Left, ThroughputChart::Scale::Logarithmic);

    setTickInterval(m_tickMs);

    auto *charts = new QVBoxLayout;
    charts->addWidget(m_throughput, 1);
    charts->addWidget(m_latency, 1);

    auto *now = new QGroupBox(tr("Now (per second)"), this);
    auto *nowForm = new QFormLayout(now);
    addStat(nowForm, QStringLiteral("requests-rate"), tr("Requests"));
    addStat(nowForm, QStringLiteral("bytes-in-rate"), tr("Bytes in"));
    addStat(nowForm, QStringLiteral("bytes-out-rate"), tr("Bytes out"));
    addStat(nowForm, QStringLiteral("errors-rate"), tr("Errors"));
    addStat(nowForm, QStringLiteral("aborts-rate"), tr("Aborts"));

    auto *totals = new QGroupBox(tr("Totals"), this);
    auto *totalsForm = new QFormLayout(totals);
    addStat(totalsForm, QStringLiteral("requests-total"), tr("Requests"));
    addStat(totalsForm, QStringLiteral("bytes-in-total"), tr("Bytes in"));
    addStat(totalsForm, QStringLiteral("bytes-out-total"), tr("Bytes out"));
    addStat(totalsForm, QStringLiteral("errors-total"), tr("Errors"));
    addStat(totalsForm, QStringLiteral("aborts-total"), tr("Aborts"));
    addStat(totalsForm, QStringLiteral("connections-open"), tr("Open connections"));
    addStat(totalsForm, QStringLiteral("requests-active"), tr("Active requests"));

    auto *latency = new QGroupBox(tr("Latency (last tick)"), this);
    auto *latencyForm = new QFormLayout(latency);
    addStat(latencyForm, QStringLiteral("latency-count"), tr("Completed"));
    addStat(latencyForm, QStringLiteral("p50"), QStringLiteral("p50"));
    addStat(latencyForm, QStringLiteral("p90"), QStringLiteral("p90"));
    addStat(latencyForm, QStringLiteral("p99"), QStringLiteral("p99"));
    addStat(latencyForm, QStringLiteral("max"), tr("max"));

    auto *numbers = new QVBoxLayout;
    numbers->addWidget(now);
    numbers->addWidget(totals);
    numbers->addWidget(latency);
    numbers->addStretch(1);

    auto *layout = new QHBoxLayout(this);
    layout->addLayout(charts, 1);
    layout->addLayout(numbers);
}

QLabel *ChartsPage::addStat(QFormLayout *form, const QString &key, const QString &label)
{
    auto *value = new QLabel(kEmpty, this);
    value->setObjectName(QStringLiteral("stat-") + key);
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("0000.00 MiB/s")));
    form->addRow(label, value);
    m_stats.insert(key, value);
    return value;
}

QString ChartsPage::statText(const QString &key) const
{
    const QLabel *label = m_stats.value(key);
    return label ? label->text() : QString();
}

void ChartsPage::setTickInterval(int ms)
{
    if (ms <= 0)
        return;
    m_tickMs = ms;
    for (ThroughputChart *chart : { m_throughput, m_latency }) {
        chart->setSampleInterval(ms);
        chart->setCapacity(m_historyMs / ms + 1);
    }
}

void ChartsPage::setHistory(int ms)
{
    m_historyMs = qMax(ms, 2 * m_tickMs);
    setTickInterval(m_tickMs);
}

void ChartsPage::applyTick(const monitor::Tick &tick)
{
    const monitor::Rates &r = tick.rates;
    m_throughput->addSample({ r.requests, r.bytesIn, r.bytesOut });
    const monitor::Latency &l = tick.latency;
    if (l.count > 0)
        m_latency->addSample({ l.p50, l.p90, l.p99, l.max });
    else
        m_latency->addSample({ qQNaN(), qQNaN(), qQNaN(), qQNaN() }); // a gap, not a zero

    const auto set = [this](const char *key, const QString &text) {
        m_stats.value(QLatin1String(key))->setText(text);
    };
    set("requests-rate", format::count(r.requests));
    set("bytes-in-rate", format::bytesPerSecond(r.bytesIn));
    set("bytes-out-rate", format::bytesPerSecond(r.bytesOut));
    set("errors-rate", format::count(r.errors));
    set("aborts-rate", format::count(r.aborts));
    const monitor::Totals &t = tick.totals;
    set("requests-total", QString::number(t.requests));
    set("bytes-in-total", format::bytes(double(t.bytesIn)));
    set("bytes-out-total", format::bytes(double(t.bytesOut)));
    set("errors-total", QString::number(t.errors));
    set("aborts-total", QString::number(t.aborts));
    set("connections-open", QString::number(t.connectionsOpen));
    set("requests-active", QString::number(t.requestsActive));
    set("latency-count", QString::number(l.count));
    set("p50", l.count ? format::latency(l.p50) : kEmpty);
    set("p90", l.count ? format::latency(l.p90) : kEmpty);
    set("p99", l.count ? format::latency(l.p99) : kEmpty);
    set("max", l.count ? format::latency(l.max) : kEmpty);
}

void ChartsPage::clear()
{
    m_throughput->clear();
    m_latency->clear();
    for (QLabel *label : std::as_const(m_stats))
        label->setText(kEmpty);
}

} // namespace afcgi::gui
