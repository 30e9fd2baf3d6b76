#pragma once
// Finds the bench's message numbers in a stream of server-sent events: every "data: m<N>" line
// (N decimal). A few bytes of state per subscriber, fed whatever arrives, split anywhere: the
// bench holds 100,000 of them and must not parse whole events to keep up.

#include <QByteArrayView>

#include <functional>

namespace afcgi::bench {

class SseDataScanner
{
public:
    // Calls `found(N)` for each complete "data: m<N>\n" in `bytes`.
    template <typename Found>
    void feed(QByteArrayView bytes, Found &&found)
    {
        static constexpr char kPattern[] = "\ndata: m";
        constexpr int kLength = sizeof(kPattern) - 1;
        for (char c : bytes) {
            if (m_matched < kLength) {
                if (c == kPattern[m_matched])
                    ++m_matched;
                else
                    m_matched = c == '\n' ? 1 : 0;
                continue;
            }
            if (c >= '0' && c <= '9') {
                m_value = m_value * 10 + quint64(c - '0');
                continue;
            }
            if (c == '\n' || c == '\r')
                found(m_value);
            m_matched = c == '\n' ? 1 : 0;
            m_value = 0;
        }
    }

private:
    quint64 m_value = 0;
    qint8 m_matched = 1; // a stream starts as if after a line break
};

} // namespace afcgi::bench
