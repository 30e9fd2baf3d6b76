#include "web/byterange.h"

#include <limits>

namespace afcgi {

namespace {
// Digits only, no sign, no overflow; -1 otherwise.
qint64 position(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 18)
        return -1;
    qint64 n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}
} // namespace

RangeOutcome resolveRange(QByteArrayView header, qint64 size, ByteRange *range)
{
    QByteArrayView spec = header.trimmed();
    if (!spec.startsWith("bytes="))
        return RangeOutcome::Whole;
    spec = spec.sliced(6).trimmed();
    if (spec.contains(','))
        return RangeOutcome::Whole; // several ranges: the whole, in one part
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return RangeOutcome::Whole;
    const QByteArrayView firstText = spec.first(dash).trimmed();
    const QByteArrayView lastText = spec.sliced(dash + 1).trimmed();
    if (firstText.isEmpty()) { // a suffix: the last N bytes
        const qint64 suffix = position(lastText);
        if (suffix < 0)
            return RangeOutcome::Whole;
        if (suffix == 0 || size == 0)
            return RangeOutcome::Unsatisfiable;
        *range = {qMax<qint64>(0, size - suffix), size - 1};
        return RangeOutcome::Partial;
    }
    const qint64 first = position(firstText);
    const qint64 last = lastText.isEmpty() ? std::numeric_limits<qint64>::max() : position(lastText);
    if (first < 0 || last < 0 || last < first)
        return RangeOutcome::Whole;
    if (first >= size)
        return RangeOutcome::Unsatisfiable;
    *range = {first, qMin(last, size - 1)};
    return RangeOutcome::Partial;
}

} // namespace afcgi
