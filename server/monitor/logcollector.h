#pragma once

#include "monitorprotocol.h"

#include <QMutex>

#include <atomic>

namespace afcgi {

// Catches every log line of the process (it still goes to stderr) and, while a monitor is
// attached, keeps the newest ones for the next `log` batch. Rate-limited: at most
// `maxPerBatch` lines per batch, the rest counted as dropped. Log lines are rare events, so
// a mutex here is no cost on the request path.
class LogCollector
{
public:
    explicit LogCollector(int maxPerBatch = 200);
    ~LogCollector();

    void setEnabled(bool enabled) { m_enabled.store(enabled, std::memory_order_relaxed); }
    monitor::LogBatch takeBatch();

    // What the log wrote since the process started, monitor or not: lines, and bytes as the
    // line format prints them ("time level category: message\n", a byte per character).
    qint64 lines() const { return m_lines.load(std::memory_order_relaxed); }
    qint64 bytes() const { return m_bytes.load(std::memory_order_relaxed); }

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void append(QtMsgType type, const char *category, const QString &message);
    void count(QtMsgType type, const char *category, const QString &message);

    const int m_maxPerBatch;

    std::atomic<bool> m_enabled{false};
    std::atomic<qint64> m_lines{0}; // written by any thread that logs: a log line costs far more
    std::atomic<qint64> m_bytes{0};
    QMutex m_mutex;
    monitor::LogBatch m_batch;
    QtMessageHandler m_previous = nullptr;
};

} // namespace afcgi
