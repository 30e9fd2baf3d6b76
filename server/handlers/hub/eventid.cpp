#include "handlers/hub/eventid.h"

#include <charconv>

namespace afcgi {

namespace {
constexpr qsizetype kMaxDigits = 20; // quint64

std::optional<quint64> parseNumber(QByteArrayView digits)
{
    if (digits.isEmpty() || digits.size() > kMaxDigits)
        return std::nullopt;
    quint64 value = 0;
    const char *end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}
} // namespace

QByteArray EventId::toString() const
{
    return QByteArray::number(epoch) + ':' + QByteArray::number(sequence);
}

std::optional<EventId> EventId::parse(QByteArrayView text)
{
    const qsizetype colon = text.indexOf(':');
    if (colon < 0)
        return std::nullopt;
    const auto epoch = parseNumber(text.first(colon));
    const auto sequence = parseNumber(text.sliced(colon + 1));
    if (!epoch || !sequence)
        return std::nullopt;
    return EventId{*epoch, *sequence};
}

QByteArray EventId::joinList(const QList<EventId> &ids)
{
    QByteArray out;
    for (const EventId &id : ids) {
        if (!out.isEmpty())
            out += ',';
        out += id.toString();
    }
    return out;
}

std::optional<QList<EventId>> EventId::parseList(QByteArrayView text, qsizetype count)
{
    QList<EventId> ids;
    qsizetype from = 0;
    for (;;) {
        const qsizetype comma = text.indexOf(',', from);
        const qsizetype end = comma < 0 ? text.size() : comma;
        const auto id = parse(text.sliced(from, end - from));
        if (!id || ids.size() == count)
            return std::nullopt;
        ids.append(*id);
        if (comma < 0)
            break;
        from = comma + 1;
    }
    if (ids.size() != count)
        return std::nullopt;
    return ids;
}

} // namespace afcgi
