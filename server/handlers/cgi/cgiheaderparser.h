#pragma once
// The header block a CGI program writes before its body (RFC 3875 section 6), parsed as the
// program's output arrives: pure, no I/O. A non-parsed-header (nph-) program writes a whole
// HTTP response instead, status line first; the same parser reads it in Mode::Nph.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace afcgi {

class CgiHeaderParser
{
public:
    enum class Mode {
        Cgi, // header fields, a blank line, the body
        Nph, // "HTTP/1.1 200 OK", header fields, a blank line, the body
    };
    enum class Error {
        None,
        NotAHeaderLine,   // a line without a colon (a program that prints no header)
        BadFieldName,     // not an HTTP token ("Content Type: ...", " : x")
        BadFieldValue,    // a control character in a value
        BadStatus,        // Status not "NNN reason" with NNN from 100 to 599
        DuplicateStatus,  // Status given twice
        NoCgiField,       // none of Content-Type, Location, Status (RFC 3875 6.2)
        BadStatusLine,    // nph-: the first line is not "HTTP/x.y NNN reason"
        ChunkedNph,       // nph-: Transfer-Encoding, which FastCGI cannot carry on
        TooLong,          // the header block passed the parser's size limit
        Truncated,        // the output ended inside the header block
    };
    using Field = QPair<QByteArray, QByteArray>;

    static constexpr qsizetype kDefaultMaxBytes = 64 * 1024;
    static constexpr qsizetype kFirstBytesKept = 64; // for the log line of a malformed block

    explicit CgiHeaderParser(Mode mode = Mode::Cgi, qsizetype maxBytes = kDefaultMaxBytes);

    // Takes the program's output. Returns how many bytes of `bytes` belong to the header block:
    // once isComplete(), the rest of `bytes` is body. After completion or an error, takes nothing.
    qsizetype feed(QByteArrayView bytes);
    // The output ended: a header block not finished by then is an error (Truncated).
    void finish();

    bool isComplete() const { return m_state == State::Complete; }
    bool hasFailed() const { return m_state == State::Failed; }
    Error error() const { return m_error; }
    static const char *toString(Error error);
    // The first bytes the program wrote, with control and non-ASCII bytes escaped (\n, \x01).
    QByteArray firstBytesForLog() const;

    // Once complete: the status (from Status or the nph- status line; else 302 with a Location,
    // else 200), its reason phrase (empty when none was given), and the other fields in order,
    // names as sent, values trimmed; obsolete line folding is joined with one space.
    int status() const { return m_status; }
    QByteArray reason() const { return m_reason; }
    const QList<Field> &fields() const { return m_fields; }
    QByteArray location() const { return m_location; }
    // A local redirect (RFC 3875 6.2.2): "Location: /path?query" as the only field, no Status.
    bool isLocalRedirect() const;

private:
    enum class State { StatusLine, Fields, Complete, Failed };
    void takeLine(QByteArrayView line);
    void takeStatusLine(QByteArrayView line);
    void takeField(QByteArrayView line);
    void completeBlock();
    void fail(Error error);

    Mode m_mode;
    qsizetype m_maxBytes;
    State m_state;
    Error m_error = Error::None;
    qsizetype m_blockBytes = 0; // complete lines of the block so far, newlines included
    QByteArray m_partial;       // the start of a line whose end has not arrived
    QByteArray m_firstBytes;
    int m_status = 0;
    QByteArray m_reason;
    bool m_haveStatus = false;
    bool m_haveContentType = false;
    QList<Field> m_fields;
    QByteArray m_location;
};

} // namespace afcgi
