#pragma once

#include "monitorprotocol.h"

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QFormLayout;
QT_END_NAMESPACE

namespace afcgi::gui {

class ThroughputChart;

// The Throughput tab: requests/s and bytes/s, and the latency percentiles, as scrolling charts,
// with the current rates, the totals and the last latencies in numbers beside them.
class ChartsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsPage(QWidget *parent = nullptr);

    ThroughputChart *throughputChart() const { return m_throughput; }
    ThroughputChart *latencyChart() const { return m_latency; }
    // The charts show the last `history` ms (five minutes by default) of ticks.
    void setTickInterval(int ms);
    void setHistory(int ms);
    void applyTick(const afcgi::monitor::Tick &tick);
    void clear();
    // The text of one number by its key ("requests-rate", "requests-total", "p99", ...).
    QString statText(const QString &key) const;

private:
    QLabel *addStat(QFormLayout *form, const QString &key, const QString &label);

    ThroughputChart *m_throughput;
    ThroughputChart *m_latency;
    QHash<QString, QLabel *> m_stats;
    int m_tickMs = 250;
    int m_historyMs = 5 * 60 * 1000;
};

} // namespace afcgi::gui
