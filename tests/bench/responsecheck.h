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
    Malformed,   // no blank line after the headers, or an unreadable Status value
};

class ResponseCheck
{
public:
    void reset(); // a new response begins
    void feed(QByteArrayView stdoutChunk, QByteArrayView expectedBody, bool checkBody);
    Verdict finish(QByteArrayView expectedBody, bool checkBody) const;

private:
    void compareBody(QByteArrayView chunk, QByteArrayView expectedBody);

    QByteArray m_head;           // STDOUT bytes until the end of the header block
    qsizetype m_bodyOffset = -1; // body bytes seen; -1 while the header block is incomplete
    int m_status = 0;            // -1 when the Status header is unreadable
    bool m_bodyMismatch = false;
};

} // namespace afcgi::bench
