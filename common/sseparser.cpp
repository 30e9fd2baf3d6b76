#include "sseparser.h"

#include <utility>

namespace afcgi {

namespace {
constexpr char kBom[] = "\xEF\xBB\xBF";
constexpr qsizetype kCompactAbove = 4096; // consumed bytes kept before the buffer is compacted
}

void SseParser::feed(QByteArrayView bytes)
{
    if (m_pos > kCompactAbove) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<QByteArrayView> SseParser::takeLine()
{
    if (!m_started) {
        const QByteArrayView rest = QByteArrayView(m_buffer).sliced(m_pos);
        if (rest.size() < 3 && QByteArrayView(kBom).startsWith(rest))
            return std::nullopt; // could still be a BOM
        if (rest.startsWith(QByteArrayView(kBom)))
            m_pos += 3;
        m_started = true;
    }
    if (m_skipLf && m_pos < m_buffer.size()) {
        if (m_buffer[m_pos] == '\n')
            ++m_pos;
        m_skipLf = false;
    }
    for (qsizetype i = m_pos; i < m_buffer.size(); ++i) {
        const char c = m_buffer[i];
        if (c != '\n' && c != '\r')
            continue;
        const QByteArrayView line(m_buffer.constData() + m_pos, i - m_pos);
        m_pos = i + 1;
        if (c == '\r') {
            if (m_pos < m_buffer.size()) {
                if (m_buffer[m_pos] == '\n')
                    ++m_pos;
            } else {
                m_skipLf = true; // a CRLF split between two feeds
            }
        }
        return line;
    }
    return std::nullopt;
}

std::optional<SseEvent> SseParser::next()
{
    while (const auto line = takeLine()) {
        if (!line->isEmpty()) {
            field(*line);
            continue;
        }
        // A blank line: dispatch, if there is data.
        if (!m_hasData) {
            m_event.clear();
            continue;
        }
        SseEvent e;
        e.data = std::exchange(m_data, {});
        e.data.chop(1); // the LF after the last data line
        if (!m_event.isEmpty())
            e.event = std::exchange(m_event, {});
        e.lastEventId = m_lastEventId;
        m_hasData = false;
        return e;
    }
    return std::nullopt;
}

void SseParser::field(QByteArrayView line)
{
    if (line.startsWith(':')) {
        ++m_comments;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    QByteArrayView name = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (name == "data") {
        m_data.append(value.data(), value.size());
        m_data.append('\n');
        m_hasData = true;
    } else if (name == "event") {
        m_event = value.toByteArray();
    } else if (name == "id") {
        if (!value.contains('\0'))
            m_lastEventId = value.toByteArray();
    } else if (name == "retry") {
        bool ok = !value.isEmpty();
        for (char c : value)
            ok = ok && c >= '0' && c <= '9';
        if (ok)
            m_retryMs = value.toInt();
    }
}

} // namespace afcgi
