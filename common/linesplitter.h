#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace afcgi::monitor {

// Splits a byte stream into lines, as the FastCGI decoder splits records: feed(), then next()
// until nullopt. '\r\n' ends a line too; blank lines are skipped. A line longer than the limit
// is an error (sticky).
class LineSplitter
{
public:
    explicit LineSplitter(qsizetype maxLineBytes = 16 * 1024 * 1024) : m_maxLine(maxLineBytes) {}
    void feed(QByteArrayView bytes);
    std::optional<QByteArray> next();
    bool hasError() const { return m_error; }

private:
    QByteArray m_buffer;
    qsizetype m_readPos = 0;
    qsizetype m_scanPos = 0; // bytes before this (from m_readPos) are known to hold no '\n'
    qsizetype m_maxLine;
    bool m_error = false;
};

} // namespace afcgi::monitor
