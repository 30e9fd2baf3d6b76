#pragma once

#include "latencywindow.h"
#include "monitorprotocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QGridLayout;
class QLabel;
QT_END_NAMESPACE

namespace afcgi::gui {

class ThroughputChart;

// The Throughput tab: requests/s and bytes/s, and the latency percentiles over a sliding window,
// as scrolling charts against the service's clock, with the numbers of now beside them. While
// the service is away the numbers show "–" and the charts' time runs on, leaving a gap.
class ChartsPage final : public QWidget
{
    Q_OBJECT
public:
    explicit ChartsPage(QWidget *parent = nullptr);

    ThroughputChart *throughputChart() const { return m_throughput; }
    ThroughputChart *latencyChart() const { return m_latency; }
    QComboBox *latencyWindowBox() const { return m_windowBox; }
    // The charts show the last `history` ms (five minutes by default) of ticks.
    void setTickInterval(int ms);
    void setHistory(int ms);
    int history() const { return m_historyMs; }
    void setLatencyWindow(int ms);
    int latencyWindow() const { return int(m_window.window()); }
    void applyTick(const afcgi::monitor::Tick &tick);
    void setConnected(bool connected);
    void clear();
    // The text of one number by its key ("requests-rate", "requests-total", "p99", ...).
    QString statText(const QString &key) const;

private:
    QLabel *addStat(QGridLayout *grid, int row, int column, const QString &key);
    void addRow(QGridLayout *grid, int row, const QString &label, const QString &rateKey,
                const QString &totalKey);
    void showLatency();
    void clearNumbers();
    void advanceClock();

    ThroughputChart *m_throughput;
    ThroughputChart *m_latency;
    QComboBox *m_windowBox;
    QHash<QString, QLabel *> m_stats;
    LatencyWindow m_window;
    QTimer m_clock;             // while the service is away: time runs on in the charts
    QElapsedTimer m_sinceTick;
    qint64 m_lastTickMs = 0;
    int m_tickMs = 250;
    int m_historyMs = 5 * 60 * 1000;
};

} // namespace afcgi::gui
