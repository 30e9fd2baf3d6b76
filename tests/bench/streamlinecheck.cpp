#include "streamlinecheck.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace afcgi::bench {

void StreamLineCheck::reset()
{
    m_lines = 0;
    m_mismatch = false;
    expectNextLine();
}

void StreamLineCheck::expectNextLine()
{
    m_length = std::snprintf(m_line, sizeof m_line, "line %lld\n", static_cast<long long>(m_lines + 1));
    m_pos = 0;
}

void StreamLineCheck::feed(QByteArrayView body)
{
    qsizetype at = 0;
    while (!m_mismatch && at < body.size()) {
        const qsizetype n = std::min<qsizetype>(m_length - m_pos, body.size() - at);
        if (std::memcmp(body.data() + at, m_line + m_pos, size_t(n)) != 0) {
            m_mismatch = true;
            return;
        }
        at += n;
        m_pos += int(n);
        if (m_pos == m_length) {
            ++m_lines;
            expectNextLine();
        }
    }
}

} // namespace afcgi::bench
