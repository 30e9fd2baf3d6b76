#pragma once
// Number formatting and the few semantic colours shared by the models and widgets.

#include <QColor>
#include <QString>

namespace afcgi::gui::format {

QString bytes(double bytes);              // "0 B", "1.5 KiB", "12 MiB", "1.25 GiB"
QString bytesPerSecond(double bytes);     // "1.5 KiB/s"
QString count(double value);              // "12", "1.2 k", "3.4 M"
QString perSecond(double value);          // "12.5/s"
QString duration(qint64 ms);              // "850 ms", "12.3 s", "4 m 05 s", "2 h 03 m", "3 d 4 h"
QString milliseconds(double ms);          // "0.42 ms", "12.5 ms", "180 ms", "1.25 s"

enum class Semantic { Error, Warning, Muted };
// A colour for a meaning, readable on the current palette's base colour (light or dark).
QColor color(Semantic semantic);

} // namespace afcgi::gui::format
