#pragma once

#include "chartscale.h"

#include <QColor>
#include <QImage>
#include <QList>

namespace afcgi::gui {

class SampleHistory;

enum class ChartStyle {
    Line,   // a line
    Filled, // a line over a translucent area
    Faint,  // a thin, pale line: a value shown apart from the main ones (a maximum)
};

// The plot area of a chart, kept as an image that scrolls with time: when time moves on, the
// pixels already drawn move left and only the new strip on the right is drawn, so the cost of a
// tick follows what changed, not the minutes of history on screen. The whole history is drawn
// again only when the picture changes as a whole: a new size, a new scale, a new palette.
// Coordinates are device pixels; time runs along x (newest at the right edge), values along y.
class PlotCanvas
{
public:
    struct Look
    {
        QColor color;
        ChartStyle style = ChartStyle::Line;
        int scale = 0; // which of the frame's scales
    };
    // What the picture depends on besides the samples.
    struct Frame
    {
        QSize size;                // device pixels
        qreal devicePixelRatio = 1;
        qint64 spanMs = 1;         // time across the width
        qint64 gapMs = 1;          // samples further apart are not joined
        ChartScale scales[2];
        int gridScale = 0;         // the scale whose ticks get horizontal grid lines
        QColor base;
        QColor grid;
    };

    // Draw everything again at the next update() (series or palette changed).
    void invalidate() { m_valid = false; }
    // Brings the picture to `nowMs` (the time at the right edge) and returns it.
    const QImage &update(const SampleHistory &history, const QList<Look> &looks, const Frame &frame,
                         qint64 nowMs);
    const QImage &image() const { return m_image; }

    // Where a time and a value are drawn, in device pixels of the image.
    double columnFor(qint64 timeMs) const;
    static double rowFor(const ChartScale &scale, double value, int height);

    int fullRenders() const { return m_fullRenders; }  // whole history drawn (cost, for tests)
    int stripRenders() const { return m_stripRenders; } // only a strip drawn

private:
    bool sameFrame(const Frame &frame) const;
    void renderAll(const SampleHistory &history, const QList<Look> &looks, qint64 nowMs);
    void render(const SampleHistory &history, const QList<Look> &looks, int fromColumn, int toColumn);
    void scrollLeft(int pixels);

    QImage m_image;
    Frame m_frame;
    bool m_valid = false;
    // Absolute pixels count from the epoch, so that a picture drawn whole and one drawn in
    // strips put a time on the same column.
    double m_pxPerMs = 1;
    qint64 m_rightPx = 0;    // absolute pixel just past the image's right edge
    qint64 m_drawnUntilMs = 0;  // time of the newest sample in the picture
    quint64 m_drawnCount = 0;   // the history's appendedCount() when it was drawn
    int m_fullRenders = 0;
    int m_stripRenders = 0;
};

} // namespace afcgi::gui
