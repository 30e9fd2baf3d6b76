#pragma once

#include "ringbuffer.h"

#include <QColor>
#include <QList>
#include <QWidget>

#include <functional>

namespace afcgi::gui {

// A scrolling line chart of a few series over the last minutes, painted with QPainter. It only
// receives points: addSample() pushes one value per series into a bounded ring and calls
// update(); all drawing happens in paintEvent(), in the widget's palette (light or dark).
// Each series is drawn against the left or the right axis, each axis with its own scale and
// number format, so requests/s and bytes/s share one chart; used twice, for throughput and for
// latency percentiles. A NaN value leaves a gap.
class ThroughputChart final : public QWidget
{
    Q_OBJECT
public:
    enum class Axis { Left, Right };
    // Linear: a 1-2-2.5-5 ceiling; Binary: the same in powers of 1024 (bytes); Logarithmic: decades.
    enum class Scale { Linear, Binary, Logarithmic };
    using Formatter = std::function<QString(double)>;

    explicit ThroughputChart(QWidget *parent = nullptr);

    int addSeries(const QString &name, const QColor &color, Axis axis = Axis::Left);
    int seriesCount() const { return int(m_series.size()); }
    QString seriesName(int series) const { return m_series.at(series).name; }
    void setFormatter(Axis axis, Formatter formatter);
    void setScale(Axis axis, Scale scale);
    void setTitle(const QString &title);

    // How many samples are kept (and shown across the width), and how far apart they are.
    void setCapacity(int samples);
    int capacity() const { return m_capacity; }
    void setSampleInterval(int ms);
    int sampleInterval() const { return m_intervalMs; }

    void addSample(const QList<double> &values); // one value per series, in series order
    void addSample(double first, double second) { addSample(QList<double>{ first, second }); }
    void clear();

    int sampleCount() const;
    double lastValue(int series) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    struct Series
    {
        QString name;
        QColor color;
        Axis axis;
        RingBuffer<double> values;
    };
    struct Range
    {
        Scale scale = Scale::Linear;
        double low = 0;
        double high = 1;
        QList<double> ticks; // values with a label (and, on the main axis, a grid line)
        double fraction(double v) const; // 0 at the bottom, 1 at the top
    };
    Range range(Axis axis) const;
    QString formatValue(Axis axis, double value) const;
    bool hasAxis(Axis axis) const;
    static int index(Axis axis) { return axis == Axis::Left ? 0 : 1; }

    QList<Series> m_series;
    Formatter m_formatters[2];
    Scale m_scales[2] = { Scale::Linear, Scale::Linear };
    QString m_title;
    int m_capacity = 1200;
    int m_intervalMs = 250;
};

} // namespace afcgi::gui
