#include "web/cookieparser.h"

#include "web/httpchars.h"

namespace afcgi {

namespace {
bool isControl(char c)
{
    const auto u = quint8(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
}
} // namespace

CookieParser::CookieParser(qsizetype maxPairBytes, qsizetype maxPairs)
    : m_maxPairBytes(maxPairBytes), m_maxPairs(maxPairs)
{
}

void CookieParser::feed(QByteArrayView bytes)
{
    while (!bytes.isEmpty()) {
        const qsizetype semicolon = bytes.indexOf(';');
        const QByteArrayView piece = semicolon < 0 ? bytes : bytes.first(semicolon);
        if (!m_tooLong && m_pair.size() + piece.size() > m_maxPairBytes) {
            m_tooLong = true;
            m_pair.clear();
        }
        if (!m_tooLong)
            m_pair.append(piece.data(), piece.size());
        if (semicolon < 0)
            return;
        endPair();
        bytes = bytes.sliced(semicolon + 1);
    }
}

void CookieParser::finish()
{
    endPair();
}

void CookieParser::endPair()
{
    const bool skip = m_tooLong || m_pairs.size() >= m_maxPairs;
    const QByteArray raw = std::exchange(m_pair, {});
    m_tooLong = false;
    if (skip)
        return;
    const QByteArrayView pair = http::trimSpaces(raw);
    const qsizetype equals = pair.indexOf('=');
    if (equals <= 0)
        return; // empty, or no name
    const QByteArrayView name = http::trimSpaces(pair.first(equals));
    QByteArrayView value = http::trimSpaces(pair.sliced(equals + 1));
    if (!http::isToken(name))
        return;
    for (char c : value) {
        if (isControl(c))
            return;
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.sliced(1, value.size() - 2);
    m_pairs.append({name.toByteArray(), value.toByteArray()});
}

NameValueList CookieParser::parse(QByteArrayView header)
{
    CookieParser parser;
    parser.feed(header);
    parser.finish();
    return parser.pairs();
}

} // namespace afcgi
