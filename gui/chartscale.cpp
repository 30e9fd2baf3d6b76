#include "chartscale.h"

#include <QtGlobal>

#include <cmath>

namespace afcgi::gui {

namespace {
constexpr int kGridLines = 4;
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
} // namespace

ChartScale ChartScale::fit(Kind kind, double max, double minPositive)
{
    ChartScale s;
    s.kind = kind;
    if (kind == Kind::Logarithmic) {
        const double floorValue = std::isfinite(minPositive) && minPositive > 0
                                      ? qMax(minPositive, kLogFloor) : 1.0;
        const double lowExp = std::floor(std::log10(floorValue));
        const double highExp = qMax(lowExp + 1, std::ceil(std::log10(max > 0 ? max : 10.0) - 1e-9));
        s.low = std::pow(10.0, lowExp);
        s.high = std::pow(10.0, highExp);
        for (double e = lowExp; e <= highExp + 1e-9; ++e)
            s.ticks.append(std::pow(10.0, e));
        return s;
    }
    s.high = niceCeiling(max, kind == Kind::Binary ? 1024 : 10);
    for (int i = 0; i <= kGridLines; ++i)
        s.ticks.append(s.high * i / kGridLines);
    return s;
}

double ChartScale::fraction(double v) const
{
    if (kind == Kind::Logarithmic) {
        if (!(v > 0))
            return 0;
        return qBound(0.0, (std::log10(v) - std::log10(low)) / (std::log10(high) - std::log10(low)), 1.0);
    }
    return qBound(0.0, (v - low) / (high - low), 1.0);
}

} // namespace afcgi::gui
