#pragma once

#include "recordencoder.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace afcgi {

enum class NameValueError {
    None,
    Truncated,   // the stream ended inside a pair: a declared length runs past the data
    TooLarge,    // a declared length exceeds the configured limit
};

const char *toString(NameValueError error);

// Incremental name-value pair decoder. A pair may be split across several PARAMS (or GET_VALUES)
// records, so bytes are fed as they arrive and finish() is called at the end of the stream.
class NameValueDecoder
{
public:
    explicit NameValueDecoder(qsizetype maxPairBytes = 1 << 20) : m_maxPairBytes(maxPairBytes) {}

    void feed(QByteArrayView bytes);
    std::optional<NameValue> next();
    // Call once the stream has ended: leftover bytes mean a truncated pair.
    void finish();

    NameValueError error() const { return m_error; }

    // Decodes a complete block in one go (GET_VALUES bodies, tests).
    static std::optional<NameValueList> decodeAll(QByteArrayView bytes);

private:
    QByteArray m_buffer;
    qsizetype m_readPos = 0;
    qsizetype m_maxPairBytes;
    NameValueError m_error = NameValueError::None;
};

} // namespace afcgi
