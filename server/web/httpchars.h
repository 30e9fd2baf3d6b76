#pragma once
// Character classes of HTTP's grammar (RFC 9110, 5.6), shared by the header parsers.

#include <QByteArrayView>

namespace afcgi::http {

inline bool isSpace(char c) // OWS: space or horizontal tab
{
    return c == ' ' || c == '\t';
}

inline bool isTokenChar(char c) // tchar
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

inline bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Without the spaces and tabs at either end (unlike QByteArrayView::trimmed(), which takes
// line ends too).
inline QByteArrayView trimSpaces(QByteArrayView bytes)
{
    while (!bytes.isEmpty() && isSpace(bytes.front()))
        bytes = bytes.sliced(1);
    while (!bytes.isEmpty() && isSpace(bytes.back()))
        bytes.chop(1);
    return bytes;
}

} // namespace afcgi::http
