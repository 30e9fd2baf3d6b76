#pragma once

#include "chartscale.h"
#include "plotcanvas.h"
#include "samplehistory.h"

#include <QColor>
#include <QList>
#include <QWidget>

#include <functional>

namespace afcgi::gui {

// A scrolling line chart of a few series against the service's clock: addSample() takes the
// time of a tick (`time_ms`) and one value per series, and the newest time sits at the right
// edge; advanceTo() moves the edge on without a sample (the service is away), so a gap grows
// where no ticks came, and samples further apart than 2.5 ticks are not joined. Each series is
// drawn against the left or the right axis, each with its own scale and number format, so
// requests/s and bytes/s share one chart; used twice, for throughput and for latency
// percentiles. A NaN value leaves a gap.
//
// Cost: the plot is a PlotCanvas that scrolls, so a tick paints a strip a few pixels wide, the
// labels and the legend; the whole history is drawn again only on a new size, scale or palette.
class ThroughputChart final : public QWidget
{
    Q_OBJECT
public:
    enum class Axis { Left, Right };
    using Scale = ChartScale::Kind;
    using Style = ChartStyle;
    using Formatter = std::function<QString(double)>;

    explicit ThroughputChart(QWidget *parent = nullptr);

    int addSeries(const QString &name, const QColor &color, Axis axis = Axis::Left,
                  Style style = Style::Line);
    int seriesCount() const { return int(m_series.size()); }
    QString seriesName(int series) const { return m_series.at(series).name; }
    void setFormatter(Axis axis, Formatter formatter);
    void setScale(Axis axis, Scale scale);
    void setTitle(const QString &title);

    // The time across the width, and how far apart samples normally are.
    void setSpan(qint64 ms);
    qint64 span() const { return m_spanMs; }
    void setSampleInterval(int ms);
    int sampleInterval() const { return m_intervalMs; }

    // One value per series, in series order, at `timeMs` (ms since the epoch, the service's
    // clock). A sample older than the newest one clears the chart first (another clock).
    void addSample(qint64 timeMs, const QList<double> &values);
    void advanceTo(qint64 timeMs);
    void clear();

    int sampleCount() const { return int(m_history.size()); }
    qint64 sampleTime(int index) const { return m_history.timeAt(index); }
    double lastValue(int series) const;
    qint64 nowMs() const { return m_nowMs; }
    // Where a time is drawn, in widget coordinates (the plot's left edge is the oldest time).
    double xForTime(qint64 timeMs) const;
    // Runs of joined samples of a series among those shown (a gap splits them).
    int segmentCount(int series) const;
    const PlotCanvas &canvas() const { return m_canvas; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    struct Series
    {
        QString name;
        QColor color;
        Axis axis;
        Style style;
    };
    struct Layout
    {
        QRect plot;
        int leftMargin = 0;
        int rightMargin = 0;
        int legendBaseline = 0;
    };
    static int index(Axis axis) { return axis == Axis::Left ? 0 : 1; }
    bool hasAxis(Axis axis) const;
    ChartScale fitScale(Axis axis) const;
    Layout layoutFor(const ChartScale (&scales)[2]) const;
    QString formatValue(Axis axis, double value) const;
    qint64 oldestShownMs() const { return m_nowMs - m_spanMs; }
    void drawLegend(QPainter &p, const Layout &layout) const;
    void drawValueLabels(QPainter &p, const Layout &layout, const ChartScale (&scales)[2]) const;
    void drawTimeAxis(QPainter &p, const Layout &layout) const;
    void resetCapacity();

    QList<Series> m_series;
    SampleHistory m_history;
    PlotCanvas m_canvas;
    Formatter m_formatters[2];
    Scale m_scales[2] = { Scale::Linear, Scale::Linear };
    QString m_title;
    qint64 m_spanMs = 5 * 60 * 1000;
    int m_intervalMs = 250;
    qint64 m_nowMs = 0;
};

} // namespace afcgi::gui
