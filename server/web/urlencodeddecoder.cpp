#include "web/urlencodeddecoder.h"

namespace afcgi {

namespace {
int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

const char *toString(UrlEncodedError error)
{
    switch (error) {
    case UrlEncodedError::None: return "no error";
    case UrlEncodedError::BadEscape: return "bad percent escape";
    case UrlEncodedError::TooLarge: return "field too large";
    case UrlEncodedError::TooManyFields: return "too many fields";
    }
    return "unknown error";
}

UrlEncodedDecoder::UrlEncodedDecoder(qsizetype maxFieldBytes, qsizetype maxFields)
    : m_maxFieldBytes(maxFieldBytes), m_maxFields(maxFields)
{
}

void UrlEncodedDecoder::feed(QByteArrayView bytes)
{
    for (char c : bytes) {
        if (m_state == State::Failed)
            return;
        if (c == '&' && (m_state == State::Name || m_state == State::Value)) {
            endField();
            continue;
        }
        if (++m_fieldBytes > m_maxFieldBytes)
            return fail(UrlEncodedError::TooLarge);
        switch (m_state) {
        case State::Name:
        case State::Value:
            if (c == '=' && m_state == State::Name) {
                m_state = State::Value;
            } else if (c == '%') {
                m_escapeIn = m_state;
                m_state = State::Escape1;
            } else {
                (m_state == State::Value ? m_value : m_name).append(c == '+' ? ' ' : c);
            }
            break;
        case State::Escape1:
            m_escapeHigh = hexValue(c);
            if (m_escapeHigh < 0)
                return fail(UrlEncodedError::BadEscape);
            m_state = State::Escape2;
            break;
        case State::Escape2: {
            const int low = hexValue(c);
            if (low < 0)
                return fail(UrlEncodedError::BadEscape);
            (m_escapeIn == State::Value ? m_value : m_name).append(char(m_escapeHigh * 16 + low));
            m_state = m_escapeIn;
            break;
        }
        case State::Failed:
            return;
        }
    }
}

void UrlEncodedDecoder::endField()
{
    if (m_fieldBytes > 0) { // "a&&b": the empty piece is skipped
        if (++m_fieldCount > m_maxFields)
            return fail(UrlEncodedError::TooManyFields);
        m_ready.append({QString::fromUtf8(m_name), QString::fromUtf8(m_value)});
    }
    m_name.clear();
    m_value.clear();
    m_fieldBytes = 0;
    m_state = m_escapeIn = State::Name;
}

void UrlEncodedDecoder::finish()
{
    if (m_state == State::Escape1 || m_state == State::Escape2)
        return fail(UrlEncodedError::BadEscape); // "a=%4" at the very end
    if (m_state != State::Failed)
        endField();
}

std::optional<FormField> UrlEncodedDecoder::next()
{
    if (m_state == State::Failed || m_readyAt >= m_ready.size())
        return std::nullopt;
    FormField field = std::move(m_ready[m_readyAt++]);
    if (m_readyAt == m_ready.size()) {
        m_ready.clear();
        m_readyAt = 0;
    }
    return field;
}

void UrlEncodedDecoder::fail(UrlEncodedError error)
{
    m_error = error;
    m_state = State::Failed;
    m_ready.clear();
    m_readyAt = 0;
}

std::optional<QList<FormField>> UrlEncodedDecoder::decodeAll(QByteArrayView encoded, UrlEncodedError *error)
{
    UrlEncodedDecoder decoder(qMax<qsizetype>(encoded.size(), 1), encoded.size() + 1);
    decoder.feed(encoded);
    decoder.finish();
    if (error)
        *error = decoder.error();
    if (decoder.error() != UrlEncodedError::None)
        return std::nullopt;
    QList<FormField> fields;
    while (auto field = decoder.next())
        fields.append(std::move(*field));
    return fields;
}

} // namespace afcgi
