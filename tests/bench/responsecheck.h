#pragma once
// Checks one CGI-style response (FCGI_STDOUT) as its records arrive: status 200 and, when
// asked, exactly the expected body. Only the header block is kept; body bytes are compared in
// place, so a 64 KB echo costs no copy and nothing is allocated once the buffers are warm.

#include <QByteArray>
#include <QByteArrayView>

namespace afcgi::bench {

enum class Verdict {
    Ok,
    WrongStatus, // not 200 (no Status header means 200, or 302 with a Location header)
    WrongBody,
    Malformed,   // no blank line after the headers, a header line without a colon, or an
                 // unreadable Status value
};

class ResponseCheck
{
public:
    void reset(); // a new response begins
    void feed(QByteArrayView stdoutChunk, QByteArrayView expectedBody, bool checkBody);
    Verdict finish(QByteArrayView expectedBody, bool checkBody) const;

    // For a caller that checks the body itself (one it cannot hold as bytes, such as a long
    // /stream): takes the next chunk and returns the body bytes in it, empty while the header
    // block is incomplete. The view is valid until the next call.
    QByteArrayView consume(QByteArrayView stdoutChunk);
    Verdict headVerdict() const; // the header block alone: Ok, WrongStatus or Malformed
    bool headComplete() const { return m_bodyOffset >= 0; }
    bool bodyMatchesSoFar() const { return !m_bodyMismatch; } // what feed() compared was right
    qsizetype bodyBytes() const { return qMax<qsizetype>(m_bodyOffset, 0); }

private:
    void compareBody(QByteArrayView chunk, qsizetype offset, QByteArrayView expectedBody);

    QByteArray m_head;           // STDOUT bytes until the end of the header block
    qsizetype m_bodyOffset = -1; // body bytes seen; -1 while the header block is incomplete
    int m_status = 0;            // -1 when the Status header is unreadable
    bool m_bodyMismatch = false;
};

} // namespace afcgi::bench
