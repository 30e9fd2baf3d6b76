#include "plotcanvas.h"

#include "samplehistory.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>
#include <cstring>

namespace afcgi::gui {

namespace {
constexpr double kInset = 2;        // device pixels kept free above the top and below the bottom
constexpr double kLineWidth = 1.6;  // logical pixels
constexpr double kFaintWidth = 1.0;
constexpr int kStripMargin = 4;     // logical pixels redrawn left of a strip, for line joins

QColor faint(QColor c)
{
    c.setAlphaF(0.45f);
    return c;
}
} // namespace

double PlotCanvas::rowFor(const ChartScale &scale, double value, int height)
{
    return kInset + (height - 1 - 2 * kInset) * (1.0 - scale.fraction(value));
}

double PlotCanvas::columnFor(qint64 timeMs) const
{
    const double absolute = double(timeMs) * m_pxPerMs;
    return absolute - double(m_rightPx - m_image.width());
}

bool PlotCanvas::sameFrame(const Frame &f) const
{
    const Frame &m = m_frame;
    return m_valid && f.size == m.size && f.devicePixelRatio == m.devicePixelRatio
        && f.spanMs == m.spanMs && f.gapMs == m.gapMs && f.scales[0] == m.scales[0]
        && f.scales[1] == m.scales[1] && f.gridScale == m.gridScale && f.base == m.base
        && f.grid == m.grid;
}

const QImage &PlotCanvas::update(const SampleHistory &history, const QList<Look> &looks,
                                 const Frame &frame, qint64 nowMs)
{
    if (frame.size.isEmpty()) {
        m_image = QImage();
        m_valid = false;
        return m_image;
    }
    const bool wasValid = sameFrame(frame);
    m_frame = frame;
    const qint64 newRight = m_valid ? qint64(std::ceil(double(nowMs) * m_pxPerMs)) : 0;
    const qint64 shift = newRight - m_rightPx;
    if (!wasValid || shift < 0 || shift >= m_image.width()) {
        renderAll(history, looks, nowMs);
        return m_image;
    }
    const bool newSamples = history.appendedCount() != m_drawnCount;
    if (shift == 0 && !newSamples)
        return m_image;

    scrollLeft(int(shift));
    m_rightPx = newRight;
    int from = m_image.width() - int(shift);
    if (newSamples && m_drawnCount > 0)
        from = qMin(from, int(std::floor(columnFor(m_drawnUntilMs))));
    else if (newSamples)
        from = 0;
    from = qMax(0, from - int(std::ceil(kStripMargin * frame.devicePixelRatio)));
    render(history, looks, from, m_image.width());
    ++m_stripRenders;
    m_drawnCount = history.appendedCount();
    if (!history.isEmpty())
        m_drawnUntilMs = history.timeAt(history.size() - 1);
    return m_image;
}

void PlotCanvas::renderAll(const SampleHistory &history, const QList<Look> &looks, qint64 nowMs)
{
    if (m_image.size() != m_frame.size)
        m_image = QImage(m_frame.size, QImage::Format_RGB32);
    m_pxPerMs = double(m_frame.size.width()) / double(qMax<qint64>(1, m_frame.spanMs));
    m_rightPx = qint64(std::ceil(double(nowMs) * m_pxPerMs));
    m_valid = true;
    render(history, looks, 0, m_image.width());
    ++m_fullRenders;
    m_drawnCount = history.appendedCount();
    m_drawnUntilMs = history.isEmpty() ? 0 : history.timeAt(history.size() - 1);
}

void PlotCanvas::scrollLeft(int pixels)
{
    if (pixels <= 0)
        return;
    const int keep = m_image.width() - pixels;
    for (int y = 0; y < m_image.height(); ++y) {
        uchar *row = m_image.scanLine(y);
        std::memmove(row, row + pixels * 4, size_t(keep) * 4);
    }
}

void PlotCanvas::render(const SampleHistory &history, const QList<Look> &looks, int fromColumn,
                        int toColumn)
{
    const int height = m_image.height();
    const qreal dpr = m_frame.devicePixelRatio;
    QPainter p(&m_image);
    const QRect strip(fromColumn, 0, toColumn - fromColumn, height);
    p.setClipRect(strip);
    p.fillRect(strip, m_frame.base);

    const ChartScale &gridScale = m_frame.scales[m_frame.gridScale];
    p.setPen(QPen(m_frame.grid, 0));
    for (double v : gridScale.ticks) {
        const double y = std::round(rowFor(gridScale, v, height)) + 0.5;
        p.drawLine(QPointF(fromColumn, y), QPointF(toColumn, y));
    }
    if (history.isEmpty())
        return;

    // From two samples before the strip, so that the line into it is drawn whole.
    const double msPerPx = 1.0 / m_pxPerMs;
    const qint64 firstTime = qint64(std::floor((double(m_rightPx - m_image.width() + fromColumn)
                                                - kStripMargin * dpr) * msPerPx));
    const qsizetype first = qMax<qsizetype>(0, history.firstAtOrAfter(firstTime) - 2);
    const qsizetype n = history.size();
    p.setRenderHint(QPainter::Antialiasing);
    for (int si = 0; si < looks.size() && si < history.seriesCount(); ++si) {
        const Look &look = looks.at(si);
        const ChartScale &scale = m_frame.scales[look.scale];
        QPainterPath line, area;
        bool open = false;
        int points = 0; // in the open segment
        qint64 previousTime = 0;
        QPointF segmentStart, previous;
        const auto closeArea = [&] {
            if (open && points == 1)
                line.lineTo(previous + QPointF(0.01, 0)); // a lone sample shows as a dot
            if (open && look.style == ChartStyle::Filled) {
                area.lineTo(previous.x(), height);
                area.lineTo(segmentStart.x(), height);
                area.closeSubpath();
            }
        };
        for (qsizetype i = first; i < n; ++i) {
            const qint64 t = history.timeAt(i);
            const double v = history.valueAt(si, i);
            if (!std::isfinite(v) || (open && t - previousTime > m_frame.gapMs)) {
                closeArea();
                open = false;
                if (!std::isfinite(v))
                    continue;
            }
            const QPointF pt(columnFor(t), rowFor(scale, v, height));
            if (!open) {
                line.moveTo(pt);
                area.moveTo(pt);
                segmentStart = pt;
                open = true;
                points = 0;
            } else {
                line.lineTo(pt);
                area.lineTo(pt);
            }
            previous = pt;
            previousTime = t;
            ++points;
        }
        closeArea();
        if (look.style == ChartStyle::Filled) {
            QColor fill = look.color;
            fill.setAlphaF(0.18f);
            p.fillPath(area, fill);
        }
        const bool pale = look.style == ChartStyle::Faint;
        p.setPen(QPen(pale ? faint(look.color) : look.color, (pale ? kFaintWidth : kLineWidth) * dpr,
                      Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawPath(line);
    }
}

} // namespace afcgi::gui
