#include "namevaluedecoder.h"

namespace afcgi {

namespace {

// Reads a 1- or 4-byte length at `pos`; returns false when more bytes are needed.
bool readLength(const QByteArray &buffer, qsizetype &pos, quint32 &length)
{
    if (pos >= buffer.size())
        return false;
    const quint8 first = quint8(buffer.at(pos));
    if ((first & 0x80) == 0) {
        length = first;
        pos += 1;
        return true;
    }
    if (pos + 4 > buffer.size())
        return false;
    const auto *p = reinterpret_cast<const quint8 *>(buffer.constData() + pos);
    length = (quint32(p[0] & 0x7f) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | p[3];
    pos += 4;
    return true;
}

} // namespace

const char *toString(NameValueError error)
{
    switch (error) {
    case NameValueError::None: return "no error";
    case NameValueError::Truncated: return "name-value length runs past the data";
    case NameValueError::TooLarge: return "name-value pair too large";
    }
    return "unknown name-value error";
}

void NameValueDecoder::feed(QByteArrayView bytes)
{
    if (m_error != NameValueError::None || bytes.isEmpty())
        return;
    if (m_readPos > 0) {
        m_buffer.remove(0, m_readPos);
        m_readPos = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<NameValue> NameValueDecoder::next()
{
    if (m_error != NameValueError::None)
        return std::nullopt;
    qsizetype pos = m_readPos;
    quint32 nameLength = 0;
    quint32 valueLength = 0;
    if (!readLength(m_buffer, pos, nameLength) || !readLength(m_buffer, pos, valueLength))
        return std::nullopt;
    // Checked before waiting for (or allocating) the bytes, so a hostile length costs nothing.
    if (qint64(nameLength) + valueLength > m_maxPairBytes) {
        m_error = NameValueError::TooLarge;
        return std::nullopt;
    }
    if (m_buffer.size() - pos < qint64(nameLength) + valueLength)
        return std::nullopt;
    NameValue pair(m_buffer.mid(pos, nameLength), m_buffer.mid(pos + nameLength, valueLength));
    m_readPos = pos + nameLength + valueLength;
    if (m_readPos == m_buffer.size()) {
        m_buffer.resize(0);
        m_readPos = 0;
    }
    return pair;
}

void NameValueDecoder::finish()
{
    if (m_error == NameValueError::None && m_buffer.size() > m_readPos)
        m_error = NameValueError::Truncated;
}

std::optional<NameValueList> NameValueDecoder::decodeAll(QByteArrayView bytes)
{
    NameValueDecoder decoder(bytes.size());
    decoder.feed(bytes);
    NameValueList pairs;
    while (auto pair = decoder.next())
        pairs.append(*pair);
    decoder.finish();
    if (decoder.error() != NameValueError::None)
        return std::nullopt;
    return pairs;
}

} // namespace afcgi
