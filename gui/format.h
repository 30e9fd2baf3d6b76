#pragma once
// Every number the monitor shows goes through here, so that one unit, precision and plural rule
// holds on every tab (tests/tst_format.cpp). Digits follow the default QLocale; the C locale
// reads as English ("1,234,567", "1.5 KiB").

#include <QColor>
#include <QString>

namespace afcgi::gui::format {

// Bytes in binary units, three significant digits, the next unit from 1000 of the previous:
// "0 B", "999 B", "0.98 KiB", "1.5 KiB", "12.3 MiB", "0.98 GiB" (never "1000 MiB").
QString bytes(double bytes);
QString bytesPerSecond(double bytes);     // "1.5 KiB/s"
// A rate or a gauge: "0", "3.83", "12.5", "201", "12.3 k", "1.41 M".
QString count(double value);
QString perSecond(double value);          // "12.5/s"
// A total, every digit with grouping: "1,234,567".
QString total(qint64 value);
// "1 connection", "0 connections", "1,024 connections".
QString quantity(qint64 n, const QString &one, const QString &many);
// An age or uptime: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min", "3 d 4 h".
QString duration(qint64 ms);
// A latency given in ms: "1.06 µs", "850 µs", "1 ms", "12.5 ms", "1.25 s", "2 min 05 s"; "–" for
// a value that is not a number.
QString latency(double ms);
// A latency axis label, one unit per label: as latency() below 1 s, then "100 s", "17 min", "3 h".
QString latencyAxis(double ms);
// A time axis label: `ms` before now in the axis's unit (unitFor() of its span): "now",
// "−10 s", "−100 s", "−17 min", "−2 h".
QString axisTime(qint64 msAgo, qint64 unitMs);
qint64 axisUnitFor(qint64 spanMs); // 1000 up to 3 min, 60,000 up to 3 h, else 3,600,000

enum class Semantic { Error, Warning, Muted };
// A colour for a meaning, readable on the current palette's base colour (light or dark).
QColor color(Semantic semantic);

} // namespace afcgi::gui::format
