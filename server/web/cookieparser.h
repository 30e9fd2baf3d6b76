#pragma once

#include <afcgi/fastcgi.h>

#include <QByteArray>
#include <QByteArrayView>

namespace afcgi {

// Reads a request's Cookie header (HTTP_COOKIE), "a=1; b=\"two\"", as RFC 6265 (4.2.1) writes
// it and as browsers send it: feed() pieces cut anywhere, finish(), then pairs(). Lenient as a
// server must be: a pair that is malformed (no '=', a name that is not a token, a control
// character, longer than `maxPairBytes`) is skipped, never the whole header; whitespace around
// names and values is dropped, and one pair of double quotes around a value. Names are
// case-sensitive; repeated names are kept in order (browsers send the most specific first).
// At most `maxPairs` pairs are kept.
class CookieParser
{
public:
    explicit CookieParser(qsizetype maxPairBytes = 4096, qsizetype maxPairs = 200);

    void feed(QByteArrayView bytes);
    void finish();
    const NameValueList &pairs() const { return m_pairs; }

    static NameValueList parse(QByteArrayView header);

private:
    void endPair();

    qsizetype m_maxPairBytes;
    qsizetype m_maxPairs;
    QByteArray m_pair;     // the pair being read, raw
    bool m_tooLong = false; // the current pair is skipped
    NameValueList m_pairs;
};

} // namespace afcgi
