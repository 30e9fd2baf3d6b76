#include "recorddecoder.h"

namespace afcgi {

namespace {
quint16 readUint16(const char *p)
{
    return quint16((quint8(p[0]) << 8) | quint8(p[1]));
}
} // namespace

const char *toString(DecodeError error)
{
    switch (error) {
    case DecodeError::None: return "no error";
    case DecodeError::UnsupportedVersion: return "unsupported FastCGI version";
    }
    return "unknown decode error";
}

void RecordDecoder::feed(QByteArrayView bytes)
{
    if (m_error != DecodeError::None || bytes.isEmpty())
        return;
    compact();
    m_buffer.append(bytes.data(), bytes.size());
}

void RecordDecoder::feed(const QByteArray &bytes)
{
    if (m_error != DecodeError::None || bytes.isEmpty())
        return;
    if (m_buffer.size() == m_readPos) {
        // Nothing left over: share the caller's buffer instead of copying it.
        m_buffer = bytes;
        m_readPos = 0;
        return;
    }
    feed(QByteArrayView(bytes));
}

std::optional<Record> RecordDecoder::next()
{
    if (m_error != DecodeError::None)
        return std::nullopt;
    const qsizetype available = m_buffer.size() - m_readPos;
    if (available < kHeaderLength)
        return std::nullopt;
    const char *header = m_buffer.constData() + m_readPos;
    // The version is checked as soon as the header is complete, so garbage is reported at once
    // instead of after waiting for a bogus content length.
    if (quint8(header[0]) != kFcgiVersion1) {
        m_error = DecodeError::UnsupportedVersion;
        return std::nullopt;
    }
    const quint16 contentLength = readUint16(header + 4);
    const quint8 paddingLength = quint8(header[6]);
    const qsizetype total = kHeaderLength + contentLength + paddingLength;
    if (available < total)
        return std::nullopt;

    Record record;
    record.type = quint8(header[1]);
    record.requestId = readUint16(header + 2);
    if (contentLength > 0)
        record.content = QByteArray(header + kHeaderLength, contentLength);
    m_readPos += total;
    if (m_readPos == m_buffer.size()) {
        // Everything consumed: let a large read go rather than keep its capacity per connection
        // (with 100,000 pending requests that was ~290 bytes each).
        m_buffer = QByteArray();
        m_readPos = 0;
    }
    return record;
}

void RecordDecoder::compact()
{
    if (m_readPos == 0)
        return;
    m_buffer.remove(0, m_readPos);
    m_readPos = 0;
}

} // namespace afcgi
