#include "throughputchart.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace afcgi::gui {

namespace {
constexpr int kGridLines = 4;
constexpr int kPad = 6;
constexpr double kLogFloor = 1e-3; // the lowest decade a logarithmic axis goes down to

// The smallest of 1, 2, 2.5, 5, 10 × base^k that is >= v.
double niceCeiling(double v, double base)
{
    if (!(v > 0))
        return 1;
    double magnitude = 1;
    if (base == 10) {
        magnitude = std::pow(10.0, std::floor(std::log10(v)));
    } else {
        while (v / magnitude >= base)
            magnitude *= base; // a whole unit (KiB, MiB, ...), then decimal steps within it
        magnitude *= std::pow(10.0, std::floor(std::log10(v / magnitude)));
    }
    for (double step : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (v <= step * magnitude * (1 + 1e-9))
            return step * magnitude;
    }
    return 10 * magnitude;
}

QString defaultFormat(double v)
{
    return QString::number(v, 'g', 4);
}

QString secondsAgo(int s)
{
    if (s == 0)
        return QObject::tr("now");
    if (s % 60 == 0)
        return QObject::tr("-%1 min").arg(s / 60);
    return QObject::tr("-%1 s").arg(s);
}
} // namespace

double ThroughputChart::Range::fraction(double v) const
{
    if (scale == Scale::Logarithmic) {
        if (!(v > 0))
            return 0;
        return qBound(0.0, (std::log10(v) - std::log10(low)) / (std::log10(high) - std::log10(low)), 1.0);
    }
    return qBound(0.0, (v - low) / (high - low), 1.0);
}

ThroughputChart::ThroughputChart(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

int ThroughputChart::addSeries(const QString &name, const QColor &color, Axis axis)
{
    m_series.append(Series{ name, color, axis, RingBuffer<double>(m_capacity) });
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

void ThroughputChart::setCapacity(int samples)
{
    m_capacity = qMax(2, samples);
    for (Series &s : m_series)
        s.values.setCapacity(m_capacity);
    update();
}

void ThroughputChart::setSampleInterval(int ms)
{
    m_intervalMs = qMax(1, ms);
    update();
}

void ThroughputChart::addSample(const QList<double> &values)
{
    for (qsizetype i = 0; i < m_series.size(); ++i)
        m_series[i].values.push(i < values.size() ? values.at(i) : qQNaN());
    update();
}

void ThroughputChart::clear()
{
    for (Series &s : m_series)
        s.values.clear();
    update();
}

int ThroughputChart::sampleCount() const
{
    return m_series.isEmpty() ? 0 : int(m_series.first().values.size());
}

double ThroughputChart::lastValue(int series) const
{
    const RingBuffer<double> &values = m_series.at(series).values;
    return values.isEmpty() ? qQNaN() : values.last();
}

QSize ThroughputChart::sizeHint() const
{
    return { 640, 220 };
}

QSize ThroughputChart::minimumSizeHint() const
{
    return { 240, 120 };
}

bool ThroughputChart::hasAxis(Axis axis) const
{
    return std::any_of(m_series.cbegin(), m_series.cend(),
                       [axis](const Series &s) { return s.axis == axis; });
}

ThroughputChart::Range ThroughputChart::range(Axis axis) const
{
    double max = 0, minPositive = qInf();
    for (const Series &series : m_series) {
        if (series.axis != axis)
            continue;
        for (qsizetype i = 0; i < series.values.size(); ++i) {
            const double v = series.values.at(i);
            if (!std::isfinite(v))
                continue;
            max = qMax(max, v);
            if (v > 0)
                minPositive = qMin(minPositive, v);
        }
    }
    Range r;
    r.scale = m_scales[index(axis)];
    if (r.scale == Scale::Logarithmic) {
        const double lowExp = std::floor(std::log10(std::isfinite(minPositive) ? qMax(minPositive, kLogFloor) : 1.0));
        const double highExp = qMax(lowExp + 1, std::ceil(std::log10(max > 0 ? max : 10.0) - 1e-9));
        r.low = std::pow(10.0, lowExp);
        r.high = std::pow(10.0, highExp);
        for (double e = lowExp; e <= highExp + 1e-9; ++e)
            r.ticks.append(std::pow(10.0, e));
        return r;
    }
    r.high = niceCeiling(max, r.scale == Scale::Binary ? 1024 : 10);
    for (int i = 0; i <= kGridLines; ++i)
        r.ticks.append(r.high * i / kGridLines);
    return r;
}

QString ThroughputChart::formatValue(Axis axis, double value) const
{
    const Formatter &f = m_formatters[index(axis)];
    return f ? f(value) : defaultFormat(value);
}

void ThroughputChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette &pal = palette();
    const QFontMetrics fm = fontMetrics();
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Mid));
    p.drawRect(rect().adjusted(0, 0, -1, -1));

    // Title and legend with the current values, on one line at the top.
    int x = kPad;
    const int legendBaseline = kPad + fm.ascent();
    if (!m_title.isEmpty()) {
        QFont bold = font();
        bold.setBold(true);
        p.setFont(bold);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(x, legendBaseline, m_title);
        x += QFontMetrics(bold).horizontalAdvance(m_title) + 2 * kPad;
        p.setFont(font());
    }
    for (const Series &s : std::as_const(m_series)) {
        const double last = s.values.isEmpty() ? qQNaN() : s.values.last();
        const QString text = s.name + QLatin1String(": ")
            + (std::isfinite(last) ? formatValue(s.axis, last) : QStringLiteral("–"));
        const int swatch = fm.height() / 2;
        if (x + swatch + kPad + fm.horizontalAdvance(text) > width())
            break;
        p.fillRect(QRect(x, legendBaseline - swatch, swatch, swatch), s.color);
        x += swatch + kPad / 2;
        p.setPen(pal.color(QPalette::Text));
        p.drawText(x, legendBaseline, text);
        x += fm.horizontalAdvance(text) + 2 * kPad;
    }

    const bool left = hasAxis(Axis::Left);
    const bool right = hasAxis(Axis::Right);
    const Range leftRange = range(Axis::Left);
    const Range rightRange = range(Axis::Right);
    int leftMargin = kPad, rightMargin = kPad;
    for (double v : leftRange.ticks) {
        if (left)
            leftMargin = qMax(leftMargin, fm.horizontalAdvance(formatValue(Axis::Left, v)) + 2 * kPad);
    }
    for (double v : rightRange.ticks) {
        if (right)
            rightMargin = qMax(rightMargin, fm.horizontalAdvance(formatValue(Axis::Right, v)) + 2 * kPad);
    }
    const QRectF plot = QRectF(rect()).adjusted(leftMargin, legendBaseline + fm.descent() + 2 * kPad,
                                                -rightMargin, -(fm.height() + kPad));
    if (plot.width() < 10 || plot.height() < 10)
        return;

    // Grid lines for the main axis (left if any), labels for both.
    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.15f);
    const auto yOf = [&plot](const Range &r, double v) { return plot.bottom() - plot.height() * r.fraction(v); };
    const auto drawLabels = [&](Axis axis, const Range &r, bool gridLines) {
        for (double v : r.ticks) {
            const double y = yOf(r, v);
            if (gridLines) {
                p.setPen(grid);
                p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
            }
            p.setPen(pal.color(QPalette::Text));
            if (axis == Axis::Left)
                p.drawText(QRectF(0, y - fm.height() / 2.0, leftMargin - kPad, fm.height()),
                           Qt::AlignRight | Qt::AlignVCenter, formatValue(axis, v));
            else
                p.drawText(QRectF(plot.right() + kPad, y - fm.height() / 2.0, rightMargin - kPad, fm.height()),
                           Qt::AlignLeft | Qt::AlignVCenter, formatValue(axis, v));
        }
    };
    if (left)
        drawLabels(Axis::Left, leftRange, true);
    if (right)
        drawLabels(Axis::Right, rightRange, !left);
    const double spanS = double(m_capacity - 1) * m_intervalMs / 1000.0;
    int stepS = 10;
    for (int candidate : { 10, 15, 30, 60, 120, 300, 600, 1800, 3600 }) {
        stepS = candidate;
        if (spanS / candidate <= 6)
            break;
    }
    for (int s = 0; s <= spanS + 1e-9; s += stepS) {
        const double gx = plot.right() - plot.width() * s / spanS;
        p.setPen(grid);
        p.drawLine(QPointF(gx, plot.top()), QPointF(gx, plot.bottom()));
        p.setPen(pal.color(QPalette::Text));
        const QString text = secondsAgo(s);
        const double w = fm.horizontalAdvance(text);
        const double tx = qBound(plot.left(), gx - w / 2, plot.right() - w);
        p.drawText(QPointF(tx, plot.bottom() + kPad / 2.0 + fm.ascent()), text);
    }

    if (sampleCount() == 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("Waiting for data…"));
        return;
    }

    // The series, newest sample at the right edge; a NaN starts a new segment.
    p.setRenderHint(QPainter::Antialiasing);
    p.setClipRect(plot.adjusted(-1, -1, 1, 1));
    const double dx = plot.width() / (m_capacity - 1);
    for (qsizetype si = 0; si < m_series.size(); ++si) {
        const Series &s = m_series.at(si);
        const Range &r = s.axis == Axis::Left ? leftRange : rightRange;
        const qsizetype n = s.values.size();
        QPainterPath line, area;
        bool open = false;
        QPointF segmentStart, previous;
        for (qsizetype i = 0; i < n; ++i) {
            const double v = s.values.at(i);
            if (!std::isfinite(v)) {
                if (open && si == 0) {
                    area.lineTo(previous.x(), plot.bottom());
                    area.lineTo(segmentStart.x(), plot.bottom());
                    area.closeSubpath();
                }
                open = false;
                continue;
            }
            const QPointF pt(plot.right() - double(n - 1 - i) * dx, yOf(r, v));
            if (!open) {
                line.moveTo(pt);
                if (si == 0)
                    area.moveTo(pt);
                segmentStart = pt;
                open = true;
            } else {
                line.lineTo(pt);
                if (si == 0)
                    area.lineTo(pt);
            }
            previous = pt;
        }
        if (open && si == 0) {
            area.lineTo(previous.x(), plot.bottom());
            area.lineTo(segmentStart.x(), plot.bottom());
            area.closeSubpath();
        }
        if (si == 0) {
            QColor fill = s.color;
            fill.setAlphaF(0.18f);
            p.fillPath(area, fill);
        }
        p.setPen(QPen(s.color, 1.6));
        p.setBrush(Qt::NoBrush);
        p.drawPath(line);
    }
}

} // namespace afcgi::gui
