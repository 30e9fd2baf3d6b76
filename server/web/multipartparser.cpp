#include "web/multipartparser.h"

#include "web/httpchars.h"

namespace afcgi {

namespace {
// Spaces and tabs may follow a boundary before its line end (RFC 2046 "transport padding").
constexpr qsizetype kMaxPaddingBytes = 256;
} // namespace

const char *toString(MultipartError error)
{
    switch (error) {
    case MultipartError::None: return "no error";
    case MultipartError::NoBoundary: return "no boundary where the body begins";
    case MultipartError::BadDelimiter: return "a boundary followed by neither \"--\" nor a line end";
    case MultipartError::HeadersTooLarge: return "part headers too large";
    case MultipartError::MalformedHeader: return "malformed part header";
    case MultipartError::TooManyParts: return "too many parts";
    case MultipartError::Truncated: return "body ends before the closing boundary";
    }
    return "unknown error";
}

MultipartParser::MultipartParser(QByteArrayView boundary, Limits limits)
    : m_delimiter("\r\n--" + boundary.toByteArray()), m_limits(limits), m_buffer("\r\n")
{
}

void MultipartParser::feed(QByteArrayView bytes)
{
    if (m_state == State::Failed || m_state == State::Epilogue || bytes.isEmpty())
        return;
    if (m_pos > 0) { // what was handed on goes before the new piece comes in
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
    while (step()) {
    }
}

bool MultipartParser::step()
{
    switch (m_state) {
    case State::Preamble: return stepPreamble();
    case State::AfterDelimiter: return stepAfterDelimiter();
    case State::Headers: return stepHeaders();
    case State::Body: return stepBody();
    case State::Epilogue:
        m_buffer.clear();
        m_pos = 0;
        return false;
    case State::Failed:
        return false;
    }
    return false;
}

bool MultipartParser::stepPreamble()
{
    const qsizetype found = QByteArrayView(m_buffer).indexOf(m_delimiter, m_pos);
    if (found >= 0) {
        m_preambleBytes += found - m_pos;
        if (m_preambleBytes > m_limits.maxPreambleBytes)
            return fail(MultipartError::NoBoundary);
        m_pos = found + m_delimiter.size();
        m_state = State::AfterDelimiter;
        return true;
    }
    // Keep what could be the start of the delimiter; the rest is preamble, skipped.
    const qsizetype keep = qMin(m_buffer.size() - m_pos, m_delimiter.size() - 1);
    const qsizetype skipped = m_buffer.size() - m_pos - keep;
    m_preambleBytes += skipped;
    m_pos += skipped;
    if (m_preambleBytes > m_limits.maxPreambleBytes)
        fail(MultipartError::NoBoundary);
    return false;
}

bool MultipartParser::stepAfterDelimiter()
{
    const QByteArrayView rest = QByteArrayView(m_buffer).sliced(m_pos);
    if (rest.size() < 2)
        return false;
    if (rest.startsWith("--")) {
        m_state = State::Epilogue;
        emitEvent(MultipartEvent::Kind::End);
        return true;
    }
    qsizetype i = 0;
    while (i < rest.size() && http::isSpace(rest[i]))
        ++i;
    if (i > kMaxPaddingBytes)
        return fail(MultipartError::BadDelimiter);
    if (rest.size() - i < 2)
        return false; // padding so far: the line end may follow
    if (rest[i] != '\r' || rest[i + 1] != '\n')
        return fail(MultipartError::BadDelimiter);
    m_pos += i + 2;
    if (++m_parts > m_limits.maxParts)
        return fail(MultipartError::TooManyParts);
    m_headers.clear();
    m_headerBytes = 0;
    m_state = State::Headers;
    return true;
}

bool MultipartParser::stepHeaders()
{
    const QByteArrayView rest = QByteArrayView(m_buffer).sliced(m_pos);
    const qsizetype lineEnd = rest.indexOf("\r\n");
    if (lineEnd < 0) {
        if (m_headerBytes + rest.size() > m_limits.maxHeaderBytes)
            fail(MultipartError::HeadersTooLarge);
        return false;
    }
    m_headerBytes += lineEnd + 2;
    if (m_headerBytes > m_limits.maxHeaderBytes)
        return fail(MultipartError::HeadersTooLarge);
    const QByteArrayView line = rest.first(lineEnd);
    m_pos += lineEnd + 2;
    if (line.isEmpty()) { // the blank line: the content follows
        MultipartEvent event;
        event.kind = MultipartEvent::Kind::PartBegin;
        event.headers = std::exchange(m_headers, {});
        m_events.append(std::move(event));
        m_state = State::Body;
        return true;
    }
    if (http::isSpace(line.front())) { // an obsolete folded line continues the previous value
        if (m_headers.isEmpty())
            return fail(MultipartError::MalformedHeader);
        // Joined by one space; an empty continuation adds nothing, so the value stays trimmed.
        const QByteArrayView more = http::trimSpaces(line);
        QByteArray &value = m_headers.last().second;
        if (!more.isEmpty()) {
            if (!value.isEmpty())
                value += ' ';
            value.append(more);
        }
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon < 0 ? QByteArrayView() : http::trimSpaces(line.first(colon));
    if (name.isEmpty())
        return fail(MultipartError::MalformedHeader);
    m_headers.append({name.toByteArray(), http::trimSpaces(line.sliced(colon + 1)).toByteArray()});
    return true;
}

bool MultipartParser::stepBody()
{
    const QByteArrayView rest = QByteArrayView(m_buffer).sliced(m_pos);
    const qsizetype found = rest.indexOf(m_delimiter);
    if (found >= 0) {
        if (found > 0)
            emitEvent(MultipartEvent::Kind::PartData, rest.first(found).toByteArray());
        emitEvent(MultipartEvent::Kind::PartEnd);
        m_pos += found + m_delimiter.size();
        m_state = State::AfterDelimiter;
        return true;
    }
    // All but what could be the start of the delimiter is content.
    const qsizetype safe = rest.size() - (m_delimiter.size() - 1);
    if (safe > 0) {
        emitEvent(MultipartEvent::Kind::PartData, rest.first(safe).toByteArray());
        m_pos += safe;
    }
    return false;
}

void MultipartParser::emitEvent(MultipartEvent::Kind kind, QByteArray data)
{
    MultipartEvent event;
    event.kind = kind;
    event.data = std::move(data);
    m_events.append(std::move(event));
}

void MultipartParser::finish()
{
    if (m_state != State::Epilogue && m_state != State::Failed)
        fail(MultipartError::Truncated);
}

std::optional<MultipartEvent> MultipartParser::next()
{
    if (m_state == State::Failed || m_eventAt >= m_events.size())
        return std::nullopt;
    MultipartEvent event = std::move(m_events[m_eventAt++]);
    if (m_eventAt == m_events.size()) {
        m_events.clear();
        m_eventAt = 0;
    }
    return event;
}

bool MultipartParser::fail(MultipartError error)
{
    m_error = error;
    m_state = State::Failed;
    m_events.clear();
    m_eventAt = 0;
    m_buffer.clear();
    m_pos = 0;
    return false;
}

} // namespace afcgi
