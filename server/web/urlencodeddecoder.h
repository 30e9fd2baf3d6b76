#pragma once

#include <afcgi/form.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <optional>

namespace afcgi {

enum class UrlEncodedError {
    None,
    BadEscape,     // '%' not followed by two hex digits
    TooLarge,      // a field longer than the limit
    TooManyFields,
};
const char *toString(UrlEncodedError error);

// Decodes "a=1&b=x+y&c=%C3%A9" as it arrives: feed() pieces cut anywhere, next() the fields
// complete so far, finish() at the end of the input. '+' is a space and %XX a byte; names and
// values are then read as UTF-8 (an invalid sequence becomes U+FFFD). Empty pieces ("a&&b")
// are skipped; a piece without '=' is a name with an empty value. Errors are sticky, and
// bounds are checked before anything grows: a field (name and value, encoded) is at most
// `maxFieldBytes`, and there are at most `maxFields`.
class UrlEncodedDecoder
{
public:
    explicit UrlEncodedDecoder(qsizetype maxFieldBytes = 64 * 1024, qsizetype maxFields = 10000);

    void feed(QByteArrayView bytes);
    void finish();
    std::optional<FormField> next();
    UrlEncodedError error() const { return m_error; }

    // The whole of `encoded`, or nullopt (with the reason in `error`).
    static std::optional<QList<FormField>> decodeAll(QByteArrayView encoded, UrlEncodedError *error = nullptr);

private:
    enum class State { Name, Value, Escape1, Escape2, Failed };
    void endField();
    void fail(UrlEncodedError error);

    qsizetype m_maxFieldBytes;
    qsizetype m_maxFields;
    State m_state = State::Name;
    State m_escapeIn = State::Name; // where an escape's byte goes
    UrlEncodedError m_error = UrlEncodedError::None;
    int m_escapeHigh = 0;
    qsizetype m_fieldBytes = 0; // encoded bytes of the current field
    qsizetype m_fieldCount = 0;
    QByteArray m_name;
    QByteArray m_value;
    QList<FormField> m_ready;
    qsizetype m_readyAt = 0;
};

} // namespace afcgi
