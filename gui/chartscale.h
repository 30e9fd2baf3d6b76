#pragma once

#include <QList>

namespace afcgi::gui {

// The value axis of a chart: its kind, its bounds and the values that get a label, computed
// from the largest (and smallest positive) value shown. Two scales are equal when a chart drawn
// with one would look the same with the other, so a chart redraws its history only then.
struct ChartScale
{
    // Linear: a 1-2-2.5-5 ceiling; Binary: the same in powers of 1024 (bytes); Logarithmic: decades.
    enum class Kind { Linear, Binary, Logarithmic };

    Kind kind = Kind::Linear;
    double low = 0;
    double high = 1;
    QList<double> ticks; // values with a label (and, on the main axis, a grid line)

    static ChartScale fit(Kind kind, double max, double minPositive);
    double fraction(double v) const; // 0 at the bottom, 1 at the top

    friend bool operator==(const ChartScale &a, const ChartScale &b)
    {
        return a.kind == b.kind && a.low == b.low && a.high == b.high;
    }
    friend bool operator!=(const ChartScale &a, const ChartScale &b) { return !(a == b); }
};

} // namespace afcgi::gui
