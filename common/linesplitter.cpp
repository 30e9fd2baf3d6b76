#include "linesplitter.h"

namespace afcgi::monitor {

void LineSplitter::feed(QByteArrayView bytes)
{
    if (m_error || bytes.isEmpty())
        return;
    if (m_readPos > 0 && m_readPos * 2 >= m_buffer.size()) {
        // Drop the consumed prefix once it is at least half the buffer: amortised O(1) per byte.
        m_buffer.remove(0, m_readPos);
        m_scanPos -= m_readPos;
        m_readPos = 0;
    }
    m_buffer.append(bytes.data(), bytes.size());
}

std::optional<QByteArray> LineSplitter::next()
{
    while (!m_error) {
        const qsizetype newline = m_buffer.indexOf('\n', qMax(m_scanPos, m_readPos));
        if (newline < 0) {
            m_scanPos = m_buffer.size();
            if (m_buffer.size() - m_readPos > m_maxLine)
                m_error = true; // an unterminated line already past the limit
            return std::nullopt;
        }
        qsizetype end = newline;
        if (end > m_readPos && m_buffer.at(end - 1) == '\r')
            --end; // tolerate CRLF from people typing at the socket
        const qsizetype start = m_readPos;
        m_readPos = newline + 1;
        m_scanPos = m_readPos;
        if (m_readPos == m_buffer.size()) {
            // Everything consumed: reuse the buffer without a memmove.
            QByteArray line = m_buffer.sliced(start, end - start);
            m_buffer.resize(0);
            m_readPos = m_scanPos = 0;
            if (line.size() > m_maxLine) {
                m_error = true;
                return std::nullopt;
            }
            if (!line.trimmed().isEmpty())
                return line;
            continue;
        }
        if (end - start > m_maxLine) {
            m_error = true;
            return std::nullopt;
        }
        if (QByteArrayView(m_buffer).sliced(start, end - start).trimmed().isEmpty())
            continue; // blank lines are skipped
        return m_buffer.sliced(start, end - start);
    }
    return std::nullopt;
}

} // namespace afcgi::monitor
