#pragma once

#include "record.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace afcgi {

enum class DecodeError {
    None,
    UnsupportedVersion, // the version byte is not FCGI_VERSION_1
};

const char *toString(DecodeError error);

// Incremental FastCGI record parser. It never reads a device and never blocks: feed() appends
// whatever arrived, next() yields each complete record. A malformed stream sets a sticky error.
class RecordDecoder
{
public:
    void feed(QByteArrayView bytes);
    void feed(const QByteArray &bytes); // shares `bytes` when nothing is left over: no copy
    std::optional<Record> next();

    DecodeError error() const { return m_error; }
    // Bytes fed but not yet consumed as part of a complete record.
    qsizetype pendingBytes() const { return m_buffer.size() - m_readPos; }

private:
    void compact();

    QByteArray m_buffer;
    qsizetype m_readPos = 0; // consumed prefix of m_buffer, dropped lazily to avoid a memmove per record
    DecodeError m_error = DecodeError::None;
};

} // namespace afcgi
