#include "web/httpdate.h"

#include <QDate>
#include <QList>
#include <QTime>
#include <QTimeZone>

#include <array>
#include <cstdio>

namespace afcgi {

namespace {
constexpr std::array<const char *, 7> kDays{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<const char *, 7> kLongDays{"Monday", "Tuesday", "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
constexpr std::array<const char *, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int monthOf(QByteArrayView name)
{
    for (int i = 0; i < 12; ++i) {
        if (name == QByteArrayView(kMonths[size_t(i)]))
            return i + 1;
    }
    return 0;
}

bool isDayName(QByteArrayView name, bool longForm)
{
    for (size_t i = 0; i < 7; ++i) {
        if (name == QByteArrayView(longForm ? kLongDays[i] : kDays[i]))
            return true;
    }
    return false;
}

// Exactly `digits` ASCII digits.
int number(QByteArrayView text, int digits)
{
    if (text.size() != digits)
        return -1;
    int n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

std::optional<QTime> timeOf(QByteArrayView text) // "08:49:37"
{
    if (text.size() != 8 || text[2] != ':' || text[5] != ':')
        return std::nullopt;
    const QTime time(number(text.sliced(0, 2), 2), number(text.sliced(3, 2), 2), number(text.sliced(6, 2), 2));
    if (!time.isValid())
        return std::nullopt;
    return time;
}

std::optional<QDateTime> make(int year, int month, int day, std::optional<QTime> time)
{
    const QDate date(year, month, day);
    if (!date.isValid() || !time)
        return std::nullopt;
    return QDateTime(date, *time, QTimeZone::utc());
}

QList<QByteArrayView> words(QByteArrayView text) // split on single or repeated spaces
{
    QList<QByteArrayView> out;
    qsizetype pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ')
            ++pos;
        const qsizetype start = pos;
        while (pos < text.size() && text[pos] != ' ')
            ++pos;
        if (pos > start)
            out.append(text.sliced(start, pos - start));
    }
    return out;
}
} // namespace

QByteArray formatHttpDate(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    const QDate date = utc.date();
    const QTime clock = utc.time();
    char buffer[40];
    const int n = std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                kDays[size_t(date.dayOfWeek() - 1)], date.day(),
                                kMonths[size_t(date.month() - 1)], date.year(), clock.hour(),
                                clock.minute(), clock.second());
    return QByteArray(buffer, qBound(0, n, int(sizeof buffer) - 1));
}

std::optional<QDateTime> parseHttpDate(QByteArrayView text)
{
    const QList<QByteArrayView> w = words(text);
    if (w.size() == 6 && w[0].endsWith(',') && isDayName(w[0].chopped(1), false) && w[5] == "GMT") {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        return make(number(w[3], 4), monthOf(w[2]), number(w[1], 2), timeOf(w[4]));
    }
    if (w.size() == 4 && w[0].endsWith(',') && isDayName(w[0].chopped(1), true) && w[3] == "GMT") {
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT. A two-digit year more than 50 years ahead
        // is in the past century (RFC 9110, 5.6.7).
        const QByteArrayView dmy = w[1];
        if (dmy.size() != 9 || dmy[2] != '-' || dmy[6] != '-')
            return std::nullopt;
        const int yy = number(dmy.sliced(7, 2), 2);
        if (yy < 0)
            return std::nullopt;
        const int thisYear = QDate::currentDate().year();
        int year = thisYear / 100 * 100 + yy;
        if (year > thisYear + 50)
            year -= 100;
        return make(year, monthOf(dmy.sliced(3, 3)), number(dmy.sliced(0, 2), 2), timeOf(w[2]));
    }
    if (w.size() == 5 && isDayName(w[0], false)) {
        // asctime: Sun Nov  6 08:49:37 1994
        const int day = w[2].size() == 1 ? number(w[2], 1) : number(w[2], 2);
        return make(number(w[4], 4), monthOf(w[1]), day, timeOf(w[3]));
    }
    return std::nullopt;
}

} // namespace afcgi
