#include "responsecheck.h"

#include <QByteArrayAlgorithms>

#include <cctype>
#include <cstring>

namespace afcgi::bench {

namespace {
bool hasPrefixNoCase(QByteArrayView line, const char *prefix)
{
    const qsizetype length = qsizetype(std::strlen(prefix));
    return line.size() >= length && qstrnicmp(line.data(), prefix, length) == 0;
}

// Index just past the blank line that ends the header block ("\r\n\r\n" or "\n\n"), or -1.
// A response that starts with a blank line has no headers.
qsizetype headerEnd(QByteArrayView head)
{
    qsizetype lineStart = 0;
    for (;;) {
        const qsizetype nl = head.indexOf('\n', lineStart);
        if (nl < 0)
            return -1;
        const qsizetype length = nl - lineStart;
        if (length == 0 || (length == 1 && head[lineStart] == '\r'))
            return nl + 1;
        lineStart = nl + 1;
    }
}

// The status the header block says: Status: NNN, else 302 with Location, else 200; -1 when
// the Status value does not start with three digits or a line is not a header (no colon: for
// instance stray body bytes of an earlier response on the same request id).
int statusOf(QByteArrayView headers)
{
    bool location = false;
    for (qsizetype at = 0; at < headers.size();) {
        qsizetype nl = headers.indexOf('\n', at);
        if (nl < 0)
            nl = headers.size();
        QByteArrayView line = headers.sliced(at, nl - at);
        at = nl + 1;
        if (line.isEmpty() || line == "\r")
            continue; // the blank line that ends the block
        if (!line.contains(':'))
            return -1;
        if (hasPrefixNoCase(line, "Status:")) {
            const QByteArrayView v = line.sliced(7).trimmed();
            if (v.size() < 3 || !isdigit(uchar(v[0])) || !isdigit(uchar(v[1])) || !isdigit(uchar(v[2])))
                return -1;
            return (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
        }
        if (hasPrefixNoCase(line, "Location:"))
            location = true;
    }
    return location ? 302 : 200;
}
} // namespace

void ResponseCheck::reset()
{
    m_head.resize(0); // keeps the capacity
    m_bodyOffset = -1;
    m_status = 0;
    m_bodyMismatch = false;
}

void ResponseCheck::feed(QByteArrayView chunk, QByteArrayView expectedBody, bool checkBody)
{
    const qsizetype offset = bodyBytes();
    const QByteArrayView body = consume(chunk);
    if (checkBody)
        compareBody(body, offset, expectedBody);
}

QByteArrayView ResponseCheck::consume(QByteArrayView chunk)
{
    if (m_bodyOffset >= 0) {
        m_bodyOffset += chunk.size();
        return chunk;
    }
    m_head.append(chunk.data(), chunk.size());
    const qsizetype end = headerEnd(m_head);
    if (end < 0)
        return {};
    m_status = statusOf(QByteArrayView(m_head).first(end));
    const QByteArrayView rest = QByteArrayView(m_head).sliced(end);
    m_bodyOffset = rest.size();
    return rest;
}

void ResponseCheck::compareBody(QByteArrayView chunk, qsizetype offset, QByteArrayView expectedBody)
{
    if (m_bodyMismatch || chunk.isEmpty())
        return;
    if (offset + chunk.size() > expectedBody.size()
        || std::memcmp(chunk.data(), expectedBody.data() + offset, size_t(chunk.size())) != 0)
        m_bodyMismatch = true;
}

Verdict ResponseCheck::headVerdict() const
{
    if (m_bodyOffset < 0 || m_status < 0)
        return Verdict::Malformed;
    return m_status == 200 ? Verdict::Ok : Verdict::WrongStatus;
}

Verdict ResponseCheck::finish(QByteArrayView expectedBody, bool checkBody) const
{
    const Verdict head = headVerdict();
    if (head != Verdict::Ok)
        return head;
    if (checkBody && (m_bodyMismatch || m_bodyOffset != expectedBody.size()))
        return Verdict::WrongBody;
    return Verdict::Ok;
}

} // namespace afcgi::bench
