#include "handlers/cgi/cgiheaderparser.h"

#include "web/httpchars.h"

namespace afcgi {

namespace {

constexpr int kMinStatus = 100;
constexpr int kMaxStatus = 599;
constexpr int kRedirectStatus = 302; // Location without Status: a client redirect (RFC 3875 6.2.3)
constexpr int kDefaultStatus = 200;

// Field values: visible characters, spaces, tabs and obs-text; no CR, LF, NUL or other controls.
bool isFieldValue(QByteArrayView value)
{
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t'))
        text.chop(1);
    return text;
}

// "404 Not Found" or "404": the code, or 0 when malformed. The reason goes to `reason`.
int parseCodeAndReason(QByteArrayView text, QByteArray *reason)
{
    if (text.size() < 3 || (text.size() > 3 && text.at(3) != ' '))
        return 0;
    int code = 0;
    for (int i = 0; i < 3; ++i) {
        const char c = text.at(i);
        if (c < '0' || c > '9')
            return 0;
        code = code * 10 + (c - '0');
    }
    if (code < kMinStatus || code > kMaxStatus)
        return 0;
    *reason = trimmed(text.sliced(3)).toByteArray();
    return code;
}

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// Hop-by-hop fields of an nph- program's HTTP response: the front end makes its own.
bool isHopByHop(QByteArrayView name)
{
    return equalsIgnoringCase(name, "Connection") || equalsIgnoringCase(name, "Keep-Alive")
           || equalsIgnoringCase(name, "Proxy-Connection");
}

} // namespace

CgiHeaderParser::CgiHeaderParser(Mode mode, qsizetype maxBytes)
    : m_mode(mode), m_maxBytes(maxBytes), m_state(mode == Mode::Nph ? State::StatusLine : State::Fields)
{
}

const char *CgiHeaderParser::toString(Error error)
{
    switch (error) {
    case Error::None: return "no error";
    case Error::NotAHeaderLine: return "a line that is not a header field (no header block?)";
    case Error::BadFieldName: return "a header field name that is not a token";
    case Error::BadFieldValue: return "a control character in a header field value";
    case Error::BadStatus: return "a Status that is not a code from 100 to 599";
    case Error::DuplicateStatus: return "Status given twice";
    case Error::NoCgiField: return "none of Content-Type, Location or Status in the header block";
    case Error::BadStatusLine: return "an nph- response that does not start with HTTP/x.y NNN";
    case Error::ChunkedNph: return "an nph- response with Transfer-Encoding";
    case Error::TooLong: return "a header block longer than the limit";
    case Error::Truncated: return "output that ended inside the header block";
    }
    return "unknown error";
}

qsizetype CgiHeaderParser::feed(QByteArrayView bytes)
{
    if (m_firstBytes.size() < kFirstBytesKept)
        m_firstBytes.append(bytes.first(qMin(bytes.size(), kFirstBytesKept - m_firstBytes.size())));
    qsizetype consumed = 0;
    while (consumed < bytes.size() && (m_state == State::StatusLine || m_state == State::Fields)) {
        const QByteArrayView rest = bytes.sliced(consumed);
        const qsizetype newline = rest.indexOf('\n');
        const qsizetype lineBytes = newline < 0 ? rest.size() : newline + 1;
        if (m_blockBytes + m_partial.size() + lineBytes > m_maxBytes) {
            fail(Error::TooLong);
            return consumed;
        }
        consumed += lineBytes;
        if (newline < 0) {
            m_partial.append(rest);
            break;
        }
        m_blockBytes += m_partial.size() + lineBytes;
        QByteArrayView line = rest.first(newline);
        if (!m_partial.isEmpty()) {
            m_partial.append(line);
            line = m_partial;
        }
        if (line.endsWith('\r'))
            line.chop(1);
        takeLine(line);
        m_partial.clear();
    }
    return consumed;
}

void CgiHeaderParser::finish()
{
    if (m_state == State::StatusLine || m_state == State::Fields)
        fail(Error::Truncated);
}

QByteArray CgiHeaderParser::firstBytesForLog() const
{
    static const char hex[] = "0123456789abcdef";
    QByteArray out;
    for (char c : m_firstBytes) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\\')
            out += "\\\\";
        else if (u >= 0x20 && u < 0x7f)
            out += c;
        else
            out += QByteArray("\\x") + hex[u >> 4] + hex[u & 0xf];
    }
    return out;
}

bool CgiHeaderParser::isLocalRedirect() const
{
    return isComplete() && m_mode == Mode::Cgi && !m_haveStatus && m_fields.size() == 1
           && m_location.startsWith('/');
}

void CgiHeaderParser::takeLine(QByteArrayView line)
{
    if (m_state == State::StatusLine)
        takeStatusLine(line);
    else if (line.isEmpty())
        completeBlock();
    else
        takeField(line);
}

void CgiHeaderParser::takeStatusLine(QByteArrayView line)
{
    // "HTTP/1.1 200 OK": the version is not passed on (the front end speaks its own).
    const bool versionOk = line.size() >= 9 && line.startsWith("HTTP/") && line.at(5) >= '0'
                           && line.at(5) <= '9' && line.at(6) == '.' && line.at(7) >= '0'
                           && line.at(7) <= '9' && line.at(8) == ' ';
    const int code = versionOk ? parseCodeAndReason(line.sliced(9), &m_reason) : 0;
    if (code == 0 || !isFieldValue(line)) {
        fail(Error::BadStatusLine);
        return;
    }
    m_status = code;
    m_haveStatus = true;
    m_state = State::Fields;
}

void CgiHeaderParser::takeField(QByteArrayView line)
{
    if (line.front() == ' ' || line.front() == '\t') {
        // Obsolete line folding (RFC 9110 5.5): more of the previous field's value.
        const QByteArrayView more = trimmed(line);
        if (m_fields.isEmpty() || !isFieldValue(more)) {
            fail(m_fields.isEmpty() ? Error::NotAHeaderLine : Error::BadFieldValue);
            return;
        }
        QByteArray &value = m_fields.last().second;
        if (!more.isEmpty())
            value += (value.isEmpty() ? QByteArray() : QByteArray(" ")) + more.toByteArray();
        if (equalsIgnoringCase(m_fields.last().first, "Location"))
            m_location = value;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon < 0) {
        fail(Error::NotAHeaderLine);
        return;
    }
    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = trimmed(line.sliced(colon + 1));
    if (!http::isToken(name)) {
        fail(Error::BadFieldName);
        return;
    }
    if (!isFieldValue(value)) {
        fail(Error::BadFieldValue);
        return;
    }
    if (equalsIgnoringCase(name, "Status")) {
        if (m_haveStatus) {
            fail(Error::DuplicateStatus);
            return;
        }
        m_status = parseCodeAndReason(value, &m_reason);
        if (m_status == 0) {
            fail(Error::BadStatus);
            return;
        }
        m_haveStatus = true;
        return;
    }
    if (m_mode == Mode::Nph) {
        if (equalsIgnoringCase(name, "Transfer-Encoding")) {
            fail(Error::ChunkedNph);
            return;
        }
        if (isHopByHop(name))
            return;
    }
    if (equalsIgnoringCase(name, "Content-Type"))
        m_haveContentType = true;
    else if (equalsIgnoringCase(name, "Location") && m_location.isEmpty())
        m_location = value.toByteArray();
    m_fields.append({name.toByteArray(), value.toByteArray()});
}

void CgiHeaderParser::completeBlock()
{
    if (!m_haveStatus && !m_haveContentType && m_location.isEmpty()) {
        fail(Error::NoCgiField);
        return;
    }
    if (!m_haveStatus)
        m_status = m_location.isEmpty() ? kDefaultStatus : kRedirectStatus;
    m_partial = QByteArray();
    m_state = State::Complete;
}

void CgiHeaderParser::fail(Error error)
{
    m_error = error;
    m_state = State::Failed;
    m_partial = QByteArray();
}

} // namespace afcgi
