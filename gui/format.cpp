#include "format.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <cmath>

namespace afcgi::gui::format {

namespace {
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QLocale numberLocale()
{
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale;
}

// Three significant digits, trailing zeros dropped: 0.98, 1.5, 12.3, 201.
QString significant(double v)
{
    const double magnitude = std::abs(v);
    const int places = magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
    QString number = numberLocale().toString(v, 'f', places);
    const QChar point = numberLocale().decimalPoint().at(0);
    if (places > 0 && number.contains(point)) {
        while (number.endsWith(QLatin1Char('0')))
            number.chop(1);
        if (number.endsWith(point))
            number.chop(1);
    }
    return number;
}

// `value` in the largest unit under which it stays below 1000 (a rounding that would print
// "1000" moves up a unit too).
QString scaled(double value, double base, const char *const *units, int unitCount)
{
    int unit = 0;
    double v = value;
    while (unit + 1 < unitCount && std::abs(v) >= 999.5) {
        v /= base;
        ++unit;
    }
    return significant(v) + QLatin1String(units[unit]);
}
} // namespace

QString bytes(double value)
{
    static constexpr const char *kUnits[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
    if (std::abs(value) < 999.5)
        return numberLocale().toString(qRound64(value)) + QLatin1String(kUnits[0]);
    return scaled(value, 1024.0, kUnits, int(std::size(kUnits)));
}

QString bytesPerSecond(double value)
{
    return bytes(value) + QLatin1String("/s");
}

QString count(double value)
{
    static constexpr const char *kUnits[] = { "", " k", " M", " G", " T" };
    return scaled(value, 1000.0, kUnits, int(std::size(kUnits)));
}

QString perSecond(double value)
{
    return count(value) + QLatin1String("/s");
}

QString total(qint64 value)
{
    return numberLocale().toString(value);
}

QString quantity(qint64 n, const QString &one, const QString &many)
{
    return total(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

QString duration(qint64 ms)
{
    if (ms < 0)
        ms = 0;
    const auto two = [](qint64 n) { return QStringLiteral("%1").arg(n, 2, 10, QLatin1Char('0')); };
    if (ms < kSecond)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < kMinute)
        return significant(double(ms) / kSecond) + QLatin1String(" s");
    if (ms < kHour)
        return QStringLiteral("%1 min %2 s").arg(ms / kMinute).arg(two(ms % kMinute / kSecond));
    if (ms < kDay)
        return QStringLiteral("%1 h %2 min").arg(ms / kHour).arg(two(ms % kHour / kMinute));
    return QStringLiteral("%1 d %2 h").arg(ms / kDay).arg(ms % kDay / kHour);
}

QString latency(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("–");
    if (ms < 0.9995)
        return significant(ms * 1000.0) + QStringLiteral(" µs");
    if (ms < 999.5)
        return significant(ms) + QLatin1String(" ms");
    if (ms < 99'950)
        return significant(ms / 1000.0) + QLatin1String(" s");
    return duration(qint64(ms));
}

QString latencyAxis(double ms)
{
    if (!std::isfinite(ms) || ms < 999.5)
        return latency(ms);
    if (ms < 999'500)
        return significant(ms / kSecond) + QLatin1String(" s");
    if (ms < 99.5 * kMinute)
        return QString::number(qRound64(ms / kMinute)) + QLatin1String(" min");
    return significant(ms / kHour) + QLatin1String(" h");
}

QString axisTime(qint64 msAgo, qint64 unitMs)
{
    if (msAgo <= 0)
        return QObject::tr("now");
    const char *unit = unitMs >= kHour ? "h" : unitMs >= kMinute ? "min" : "s";
    return QStringLiteral("−%1 %2").arg(significant(double(msAgo) / double(unitMs)), QLatin1String(unit));
}

qint64 axisUnitFor(qint64 spanMs)
{
    if (spanMs <= 3 * kMinute)
        return kSecond;
    if (spanMs <= 3 * kHour)
        return kMinute;
    return kHour;
}

QColor color(Semantic semantic)
{
    const QPalette p = QGuiApplication::palette();
    const bool dark = p.color(QPalette::Base).lightnessF() < 0.5;
    switch (semantic) {
    case Semantic::Error:
        return dark ? QColor(0xff, 0x6b, 0x6b) : QColor(0xc6, 0x28, 0x28);
    case Semantic::Warning:
        return dark ? QColor(0xff, 0xc1, 0x4d) : QColor(0xa8, 0x5d, 0x00);
    case Semantic::Muted:
        return p.color(QPalette::Disabled, QPalette::Text);
    }
    return {};
}

} // namespace afcgi::gui::format
