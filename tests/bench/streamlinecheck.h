#pragma once
// Checks the body of afcgid's /stream as it arrives: "line 1\n", "line 2\n", ... in order, one
// line being compared at a time. Constant memory whatever the count, so a stream of millions
// of lines (or one cut off by an abort) is verified byte for byte without being kept.

#include <QByteArrayView>

namespace afcgi::bench {

class StreamLineCheck
{
public:
    StreamLineCheck() { reset(); }

    void reset();
    void feed(QByteArrayView body);

    bool matchesSoFar() const { return !m_mismatch; } // a correct prefix, maybe cut mid-line
    qint64 lines() const { return m_lines; }          // complete lines seen
    bool isComplete(qint64 expectedLines) const
    {
        return !m_mismatch && m_lines == expectedLines && m_pos == 0;
    }

private:
    void expectNextLine();

    char m_line[32] = {}; // the line expected next, "line N\n"
    int m_length = 0;
    int m_pos = 0;        // bytes of m_line already matched
    qint64 m_lines = 0;
    bool m_mismatch = false;
};

} // namespace afcgi::bench
