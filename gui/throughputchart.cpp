#include "throughputchart.h"

#include "format.h"

#include <QEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace afcgi::gui {

namespace {
constexpr int kPad = 6;
constexpr int kMaxTimeLabels = 6;
constexpr double kGapTicks = 2.5; // samples further apart than this many intervals are not joined

QString defaultFormat(double v)
{
    return QString::number(v, 'g', 4);
}

// A round step for the time axis, in ms, with at most kMaxTimeLabels steps across the span.
qint64 timeStep(qint64 spanMs)
{
    static constexpr qint64 kSteps[] = {
        1000, 2000, 5000, 10'000, 15'000, 20'000, 30'000,
        60'000, 120'000, 300'000, 600'000, 900'000, 1'200'000, 1'800'000,
        3'600'000, 7'200'000, 10'800'000, 21'600'000, 43'200'000, 86'400'000,
    };
    for (qint64 step : kSteps) {
        if (spanMs / step <= kMaxTimeLabels)
            return step;
    }
    return kSteps[std::size(kSteps) - 1];
}
} // namespace

ThroughputChart::ThroughputChart(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    resetCapacity();
}

int ThroughputChart::addSeries(const QString &name, const QColor &color, Axis axis, Style style)
{
    m_series.append(Series{ name, color, axis, style });
    m_history.addSeries(); // a new series starts the history again
    m_canvas.invalidate();
    update();
    return int(m_series.size()) - 1;
}

void ThroughputChart::setFormatter(Axis axis, Formatter formatter)
{
    m_formatters[index(axis)] = std::move(formatter);
    update();
}

void ThroughputChart::setScale(Axis axis, Scale scale)
{
    m_scales[index(axis)] = scale;
    update();
}

void ThroughputChart::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void ThroughputChart::setSpan(qint64 ms)
{
    m_spanMs = qMax<qint64>(1000, ms);
    resetCapacity();
    update();
}

void ThroughputChart::setSampleInterval(int ms)
{
    m_intervalMs = qMax(1, ms);
    resetCapacity();
    update();
}

void ThroughputChart::resetCapacity()
{
    // The span's worth of samples and a few more, so that the oldest one shown has a left neighbour.
    m_history.setCapacity(m_spanMs / m_intervalMs + 8);
}

void ThroughputChart::addSample(qint64 timeMs, const QList<double> &values)
{
    if (!m_history.append(timeMs, values)) {
        m_history.clear(); // the clock went back: another service, another clock
        m_history.append(timeMs, values);
        m_nowMs = timeMs;
    }
    m_nowMs = qMax(m_nowMs, timeMs);
    update();
}

void ThroughputChart::advanceTo(qint64 timeMs)
{
    if (timeMs <= m_nowMs)
        return;
    m_nowMs = timeMs;
    update();
}

void ThroughputChart::clear()
{
    m_history.clear();
    update();
}

double ThroughputChart::lastValue(int series) const
{
    return m_history.isEmpty() ? qQNaN() : m_history.valueAt(series, m_history.size() - 1);
}

int ThroughputChart::segmentCount(int series) const
{
    const qint64 gapMs = qint64(kGapTicks * m_intervalMs);
    int segments = 0;
    bool open = false;
    qint64 previous = 0;
    for (qsizetype i = m_history.firstAtOrAfter(oldestShownMs()); i < m_history.size(); ++i) {
        const qint64 t = m_history.timeAt(i);
        const bool finite = std::isfinite(m_history.valueAt(series, i));
        if (finite && (!open || t - previous > gapMs))
            ++segments;
        open = finite;
        previous = t;
    }
    return segments;
}

QSize ThroughputChart::sizeHint() const
{
    return { 640, 220 };
}

QSize ThroughputChart::minimumSizeHint() const
{
    return { 240, 120 };
}

void ThroughputChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        m_canvas.invalidate();
    QWidget::changeEvent(event);
}

bool ThroughputChart::hasAxis(Axis axis) const
{
    return std::any_of(m_series.cbegin(), m_series.cend(),
                       [axis](const Series &s) { return s.axis == axis; });
}

ChartScale ThroughputChart::fitScale(Axis axis) const
{
    double max = 0, minPositive = qInf();
    const qsizetype from = m_history.firstAtOrAfter(oldestShownMs());
    for (int s = 0; s < m_series.size(); ++s) {
        if (m_series.at(s).axis == axis)
            m_history.extremes(s, from, &max, &minPositive);
    }
    return ChartScale::fit(m_scales[index(axis)], max, minPositive);
}

QString ThroughputChart::formatValue(Axis axis, double value) const
{
    const Formatter &f = m_formatters[index(axis)];
    return f ? f(value) : defaultFormat(value);
}

ThroughputChart::Layout ThroughputChart::layoutFor(const ChartScale (&scales)[2]) const
{
    const QFontMetrics fm = fontMetrics();
    Layout layout;
    layout.leftMargin = layout.rightMargin = kPad;
    for (Axis axis : { Axis::Left, Axis::Right }) {
        if (!hasAxis(axis))
            continue;
        int &margin = axis == Axis::Left ? layout.leftMargin : layout.rightMargin;
        for (double v : scales[index(axis)].ticks)
            margin = qMax(margin, fm.horizontalAdvance(formatValue(axis, v)) + 2 * kPad);
    }
    layout.legendBaseline = kPad + fm.ascent();
    layout.plot = rect().adjusted(layout.leftMargin, layout.legendBaseline + fm.descent() + 2 * kPad,
                                  -layout.rightMargin, -(fm.height() + kPad));
    return layout;
}

double ThroughputChart::xForTime(qint64 timeMs) const
{
    const ChartScale scales[2] = { fitScale(Axis::Left), fitScale(Axis::Right) };
    const QRect plot = layoutFor(scales).plot;
    return plot.right() + 1 - double(m_nowMs - timeMs) * plot.width() / double(m_spanMs);
}

void ThroughputChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    const ChartScale scales[2] = { fitScale(Axis::Left), fitScale(Axis::Right) };
    const Layout layout = layoutFor(scales);
    const QRect &plot = layout.plot;

    // Everything but the plot, which the canvas covers.
    const QColor base = pal.color(QPalette::Base);
    p.fillRect(QRect(0, 0, width(), plot.top()), base);
    p.fillRect(QRect(0, plot.bottom() + 1, width(), height() - plot.bottom() - 1), base);
    p.fillRect(QRect(0, plot.top(), plot.left(), plot.height()), base);
    p.fillRect(QRect(plot.right() + 1, plot.top(), width() - plot.right() - 1, plot.height()), base);
    drawLegend(p, layout);
    if (plot.width() < 10 || plot.height() < 10)
        return;

    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.15f);
    PlotCanvas::Frame frame;
    frame.devicePixelRatio = devicePixelRatioF();
    frame.size = QSize(qRound(plot.width() * frame.devicePixelRatio),
                       qRound(plot.height() * frame.devicePixelRatio));
    frame.spanMs = m_spanMs;
    frame.gapMs = qint64(kGapTicks * m_intervalMs);
    frame.scales[0] = scales[0];
    frame.scales[1] = scales[1];
    frame.gridScale = hasAxis(Axis::Left) ? 0 : 1;
    frame.base = base;
    frame.grid = grid;
    QList<PlotCanvas::Look> looks;
    for (const Series &s : std::as_const(m_series))
        looks.append({ s.color, s.style, index(s.axis) });
    const QImage &image = m_canvas.update(m_history, looks, frame, m_nowMs);
    p.drawImage(QRectF(plot), image, QRectF(image.rect()));

    drawValueLabels(p, layout, scales);
    drawTimeAxis(p, layout);
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(rect().adjusted(0, 0, -1, -1));

    if (m_history.firstAtOrAfter(oldestShownMs()) >= m_history.size()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, m_history.isEmpty() ? tr("Waiting for data…")
                                                              : tr("No data in this time"));
    }
}

void ThroughputChart::drawLegend(QPainter &p, const Layout &layout) const
{
    // Title and legend with the current values, on one line at the top.
    const QPalette &pal = palette();
    const QFontMetrics fm = fontMetrics();
    int x = kPad;
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(x, layout.legendBaseline, m_title);
        x += QFontMetrics(bold).horizontalAdvance(m_title) + 2 * kPad;
        p.setFont(font());
    }
    for (int s = 0; s < m_series.size(); ++s) {
        const Series &series = m_series.at(s);
        const double last = lastValue(s);
        const QString text = series.name + QLatin1String(": ")
            + (std::isfinite(last) ? formatValue(series.axis, last) : QStringLiteral("–"));
        const int swatch = fm.height() / 2;
        if (x + swatch + kPad + fm.horizontalAdvance(text) > width())
            break;
        QColor color = series.color;
        if (series.style == Style::Faint)
            color.setAlphaF(0.45f);
        p.fillRect(QRect(x, layout.legendBaseline - swatch, swatch, swatch), color);
        x += swatch + kPad / 2;
        p.setPen(pal.color(QPalette::Text));
        p.drawText(x, layout.legendBaseline, text);
        x += fm.horizontalAdvance(text) + 2 * kPad;
    }
}

void ThroughputChart::drawValueLabels(QPainter &p, const Layout &layout, const ChartScale (&scales)[2]) const
{
    const QFontMetrics fm = fontMetrics();
    const QRect &plot = layout.plot;
    p.setPen(palette().color(QPalette::Text));
    for (Axis axis : { Axis::Left, Axis::Right }) {
        if (!hasAxis(axis))
            continue;
        const ChartScale &scale = scales[index(axis)];
        for (double v : scale.ticks) {
            const double y = plot.top() + PlotCanvas::rowFor(scale, v, plot.height());
            const QString text = formatValue(axis, v);
            if (axis == Axis::Left)
                p.drawText(QRectF(0, y - fm.height() / 2.0, layout.leftMargin - kPad, fm.height()),
                           Qt::AlignRight | Qt::AlignVCenter, text);
            else
                p.drawText(QRectF(plot.right() + kPad, y - fm.height() / 2.0, layout.rightMargin - kPad,
                                  fm.height()),
                           Qt::AlignLeft | Qt::AlignVCenter, text);
        }
    }
}

void ThroughputChart::drawTimeAxis(QPainter &p, const Layout &layout) const
{
    // Labels stay where they are ("now", "−1 min"): the samples move under them.
    const QFontMetrics fm = fontMetrics();
    const QRect &plot = layout.plot;
    QColor grid = palette().color(QPalette::Text);
    grid.setAlphaF(0.15f);
    const qint64 unit = format::axisUnitFor(m_spanMs);
    const qint64 step = timeStep(m_spanMs);
    for (qint64 ago = 0; ago <= m_spanMs; ago += step) {
        const double x = plot.right() + 1 - double(ago) * plot.width() / double(m_spanMs);
        p.setPen(grid);
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setPen(palette().color(QPalette::Text));
        const QString text = format::axisTime(ago, unit);
        const double w = fm.horizontalAdvance(text);
        const double tx = qBound(double(plot.left()), x - w / 2, double(plot.right()) - w);
        p.drawText(QPointF(tx, plot.bottom() + kPad / 2.0 + fm.ascent()), text);
    }
}

} // namespace afcgi::gui
