#include "paramblock.h"

#include <cstring>

namespace afcgi {

namespace {
inline bool readLength(QByteArrayView block, qsizetype &pos, qsizetype &length)
{
    if (pos >= block.size())
        return false;
    const auto *p = reinterpret_cast<const quint8 *>(block.data() + pos);
    if ((p[0] & 0x80) == 0) {
        length = p[0];
        pos += 1;
        return true;
    }
    if (pos + 4 > block.size())
        return false;
    length = qsizetype((quint32(p[0] & 0x7f) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | p[3]);
    pos += 4;
    return true;
}

// Inlined into the scans below: a lookup walks a whole block of 15-30 pairs per request, and
// the out-of-line call cost about as much as the parsing (callgrind, /hello).
inline bool readPair(QByteArrayView block, qsizetype &pos, QByteArrayView *name, QByteArrayView *value)
{
    qsizetype at = pos;
    qsizetype nameLength = 0;
    qsizetype valueLength = 0;
    if (!readLength(block, at, nameLength) || !readLength(block, at, valueLength))
        return false;
    if (nameLength > block.size() - at || valueLength > block.size() - at - nameLength)
        return false;
    *name = QByteArrayView(block.data() + at, nameLength);
    *value = QByteArrayView(block.data() + at + nameLength, valueLength);
    pos = at + nameLength + valueLength;
    return true;
}

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}
} // namespace

bool readNameValue(QByteArrayView block, qsizetype &pos, QByteArrayView *name, QByteArrayView *value)
{
    return readPair(block, pos, name, value);
}

bool isWellFormedNameValues(QByteArrayView block)
{
    qsizetype pos = 0;
    QByteArrayView name, value;
    while (pos < block.size()) {
        if (!readPair(block, pos, &name, &value))
            return false;
    }
    return true;
}

QByteArrayView ParamBlock::view(QByteArrayView wanted) const
{
    qsizetype pos = 0;
    QByteArrayView name, value;
    while (readPair(m_encoded, pos, &name, &value)) {
        if (sameName(name, wanted))
            return value;
    }
    return {};
}

bool ParamBlock::contains(QByteArrayView wanted) const
{
    qsizetype pos = 0;
    QByteArrayView name, value;
    while (readPair(m_encoded, pos, &name, &value)) {
        if (sameName(name, wanted))
            return true;
    }
    return false;
}

NameValueList ParamBlock::toList() const
{
    NameValueList list;
    qsizetype pos = 0;
    QByteArrayView name, value;
    while (readPair(m_encoded, pos, &name, &value))
        list.append({name.toByteArray(), value.toByteArray()});
    return list;
}

} // namespace afcgi
