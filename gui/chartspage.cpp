#include "chartspage.h"

#include "format.h"
#include "throughputchart.h"

#include <QComboBox>
#include <QGridLayout>
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
constexpr int kClockMs = 1000;
constexpr int kWindows[] = { 1000, 5000, 30'000 };

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}
} // namespace

ChartsPage::ChartsPage(QWidget *parent)
    : QWidget(parent), m_throughput(new ThroughputChart(this)), m_latency(new ThroughputChart(this)),
      m_windowBox(new QComboBox(this))
{
    m_throughput->setObjectName(QStringLiteral("throughputChart"));
    m_throughput->setTitle(tr("Throughput"));
    m_throughput->addSeries(tr("requests/s"), kBlue, ThroughputChart::Axis::Left,
                            ThroughputChart::Style::Filled);
    m_throughput->addSeries(tr("in"), kGreen, ThroughputChart::Axis::Right);
    m_throughput->addSeries(tr("out"), kOrange, ThroughputChart::Axis::Right);
    m_throughput->setFormatter(ThroughputChart::Axis::Left, &format::count);
    m_throughput->setFormatter(ThroughputChart::Axis::Right, &format::bytesPerSecond);
    m_throughput->setScale(ThroughputChart::Axis::Right, ThroughputChart::Scale::Binary);

    m_latency->setObjectName(QStringLiteral("latencyChart"));
    m_latency->addSeries(QStringLiteral("p50"), kGreen);
    m_latency->addSeries(QStringLiteral("p90"), kBlue);
    m_latency->addSeries(QStringLiteral("p99"), kPurple);
    m_latency->addSeries(tr("max"), kRed, ThroughputChart::Axis::Left, ThroughputChart::Style::Faint);
    m_latency->setFormatter(ThroughputChart::Axis::Left, &format::latencyAxis);
    // Percentiles a thousand times apart stay readable on decades.
    m_latency->setScale(ThroughputChart::Axis::Left, ThroughputChart::Scale::Logarithmic);

    m_windowBox->setObjectName(QStringLiteral("latencyWindow"));
    m_windowBox->setToolTip(tr("Latency percentiles over the requests that ended in this window"));
    for (int ms : kWindows)
        m_windowBox->addItem(tr("over %1").arg(format::duration(ms)), ms);
    connect(m_windowBox, &QComboBox::activated, this,
            [this](int index) { setLatencyWindow(m_windowBox->itemData(index).toInt()); });

    auto *charts = new QVBoxLayout;
    charts->addWidget(m_throughput, 1);
    charts->addWidget(m_latency, 1);

    auto *grid = new QGridLayout;
    grid->setVerticalSpacing(2);
    grid->addWidget(heading(tr("Now"), this), 0, 1, Qt::AlignRight);
    grid->addWidget(heading(tr("Total"), this), 0, 2, Qt::AlignRight);
    addRow(grid, 1, tr("Requests"), QStringLiteral("requests-rate"), QStringLiteral("requests-total"));
    addRow(grid, 2, tr("Bytes in"), QStringLiteral("bytes-in-rate"), QStringLiteral("bytes-in-total"));
    addRow(grid, 3, tr("Bytes out"), QStringLiteral("bytes-out-rate"), QStringLiteral("bytes-out-total"));
    addRow(grid, 4, tr("Errors"), QStringLiteral("errors-rate"), QStringLiteral("errors-total"));
    addRow(grid, 5, tr("Aborts"), QStringLiteral("aborts-rate"), QStringLiteral("aborts-total"));
    addRow(grid, 6, tr("Connections"), {}, QStringLiteral("connections-open"));
    addRow(grid, 7, tr("Active requests"), {}, QStringLiteral("requests-active"));
    grid->setRowMinimumHeight(8, fontMetrics().height() / 2);
    grid->addWidget(heading(tr("Latency"), this), 9, 0);
    grid->addWidget(m_windowBox, 9, 1, 1, 2, Qt::AlignRight);
    addRow(grid, 10, tr("Ended"), {}, QStringLiteral("latency-count"));
    addRow(grid, 11, QStringLiteral("p50"), {}, QStringLiteral("p50"));
    addRow(grid, 12, QStringLiteral("p90"), {}, QStringLiteral("p90"));
    addRow(grid, 13, QStringLiteral("p99"), {}, QStringLiteral("p99"));
    addRow(grid, 14, tr("max"), {}, QStringLiteral("max"));
    grid->setRowStretch(15, 1);

    auto *layout = new QHBoxLayout(this);
    layout->addLayout(charts, 1);
    layout->addLayout(grid);

    setLatencyWindow(5000);
    m_clock.setInterval(kClockMs);
    connect(&m_clock, &QTimer::timeout, this, &ChartsPage::advanceClock);
}

void ChartsPage::addRow(QGridLayout *grid, int row, const QString &label, const QString &rateKey,
                        const QString &totalKey)
{
    grid->addWidget(new QLabel(label, this), row, 0);
    if (!rateKey.isEmpty())
        addStat(grid, row, 1, rateKey);
    addStat(grid, row, 2, totalKey);
}

QLabel *ChartsPage::addStat(QGridLayout *grid, int row, int column, const QString &key)
{
    auto *value = new QLabel(kEmpty, this);
    value->setObjectName(QStringLiteral("stat-") + key);
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Wide enough for the widest value, so that a new number never moves the layout.
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("999,999,999")));
    grid->addWidget(value, row, column);
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
        chart->setSpan(m_historyMs);
    }
}

void ChartsPage::setHistory(int ms)
{
    m_historyMs = qMax(ms, 2 * m_tickMs);
    setTickInterval(m_tickMs);
}

void ChartsPage::setLatencyWindow(int ms)
{
    m_window.setWindow(ms);
    const int index = m_windowBox->findData(ms);
    if (index >= 0)
        m_windowBox->setCurrentIndex(index);
    m_latency->setTitle(tr("Latency over %1").arg(format::duration(ms)));
    showLatency();
}

void ChartsPage::applyTick(const monitor::Tick &tick)
{
    m_lastTickMs = tick.timeMs;
    m_sinceTick.start();
    const monitor::Rates &r = tick.rates;
    m_throughput->addSample(tick.timeMs, { r.requests, r.bytesIn, r.bytesOut });
    m_window.add(tick.timeMs, tick.latency);
    const LatencyWindow::Result l = m_window.result();
    // No request ended in the window: a gap, not a zero.
    m_latency->addSample(tick.timeMs, { l.p50, l.p90, l.p99, l.max });

    const auto set = [this](const char *key, const QString &text) {
        m_stats.value(QLatin1String(key))->setText(text);
    };
    set("requests-rate", format::perSecond(r.requests));
    set("bytes-in-rate", format::bytesPerSecond(r.bytesIn));
    set("bytes-out-rate", format::bytesPerSecond(r.bytesOut));
    set("errors-rate", format::perSecond(r.errors));
    set("aborts-rate", format::perSecond(r.aborts));
    const monitor::Totals &t = tick.totals;
    set("requests-total", format::total(t.requests));
    set("bytes-in-total", format::bytes(double(t.bytesIn)));
    set("bytes-out-total", format::bytes(double(t.bytesOut)));
    set("errors-total", format::total(t.errors));
    set("aborts-total", format::total(t.aborts));
    set("connections-open", format::total(t.connectionsOpen));
    set("requests-active", format::total(t.requestsActive));
    showLatency();
}

void ChartsPage::showLatency()
{
    const LatencyWindow::Result l = m_window.result();
    const auto set = [this](const char *key, const QString &text) {
        m_stats.value(QLatin1String(key))->setText(text);
    };
    set("latency-count", m_sinceTick.isValid() ? format::total(l.count) : kEmpty);
    set("p50", format::latency(l.p50));
    set("p90", format::latency(l.p90));
    set("p99", format::latency(l.p99));
    set("max", format::latency(l.max));
    const QString window = m_window.perTick() ? tr("the service sends no histogram: per tick")
                                              : m_windowBox->currentText();
    m_stats.value(QStringLiteral("latency-count"))->setToolTip(window);
}

void ChartsPage::setConnected(bool connected)
{
    if (connected) {
        m_clock.stop();
        return;
    }
    clearNumbers();
    m_window.clear();
    // Retries come and go every second or so: keep the clock running, do not restart it.
    if (m_sinceTick.isValid() && !m_clock.isActive())
        m_clock.start();
}

void ChartsPage::advanceClock()
{
    // The service's clock as it would read now: the last tick's time plus what passed here.
    const qint64 now = m_lastTickMs + m_sinceTick.elapsed();
    m_throughput->advanceTo(now);
    m_latency->advanceTo(now);
}

void ChartsPage::clearNumbers()
{
    for (QLabel *label : std::as_const(m_stats))
        label->setText(kEmpty);
}

void ChartsPage::clear()
{
    m_throughput->clear();
    m_latency->clear();
    m_window.clear();
    clearNumbers();
}

} // namespace afcgi::gui
