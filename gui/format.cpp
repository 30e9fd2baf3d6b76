#include "format.h"

#include <QGuiApplication>
#include <QPalette>

#include <cmath>

namespace afcgi::gui::format {

namespace {
QString scaled(double value, double base, const char *const *units, int unitCount, int decimals)
{
    int unit = 0;
    double v = value;
    while (std::abs(v) >= base && unit + 1 < unitCount) {
        v /= base;
        ++unit;
    }
    const int places = unit == 0 ? 0 : (std::abs(v) < 10 ? decimals : 1);
    QString number = QString::number(v, 'f', places);
    if (places > 0) { // "2.50" → "2.5", "2.00" → "2"
        while (number.endsWith(QLatin1Char('0')))
            number.chop(1);
        if (number.endsWith(QLatin1Char('.')))
            number.chop(1);
    }
    return number + QLatin1String(units[unit]);
}

bool darkPalette()
{
    const QPalette p = QGuiApplication::palette();
    return p.color(QPalette::Base).lightnessF() < 0.5;
}
} // namespace

QString bytes(double value)
{
    static constexpr const char *kUnits[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
    return scaled(value, 1024.0, kUnits, int(std::size(kUnits)), 2);
}

QString bytesPerSecond(double value)
{
    return bytes(value) + QLatin1String("/s");
}

QString count(double value)
{
    static constexpr const char *kUnits[] = { "", " k", " M", " G", " T" };
    if (std::abs(value) < 1000 && value != std::trunc(value))
        return QString::number(value, 'f', 1);
    return scaled(value, 1000.0, kUnits, int(std::size(kUnits)), 2);
}

QString perSecond(double value)
{
    return count(value) + QLatin1String("/s");
}

QString duration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60'000)
        return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return QStringLiteral("%1 m %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return QStringLiteral("%1 h %2 m").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s / 3600) % 24);
}

QString milliseconds(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("–");
    // Three significant digits: "0.25 ms", "12.5 ms", "180 ms", "54.2 s".
    if (ms >= 100'000)
        return duration(qint64(ms));
    if (ms >= 1000)
        return QString::number(ms / 1000.0, 'g', 3) + QLatin1String(" s");
    return QString::number(ms, 'g', 3) + QLatin1String(" ms");
}

QColor color(Semantic semantic)
{
    const bool dark = darkPalette();
    switch (semantic) {
    case Semantic::Error:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case Semantic::Warning:
        return dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0xa8, 0x5d, 0x00);
    case Semantic::Muted:
        return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
    }
    return {};
}

} // namespace afcgi::gui::format
