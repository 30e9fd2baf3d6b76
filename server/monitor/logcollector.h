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

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void append(QtMsgType type, const char *category, const QString &message);

    const int m_maxPerBatch;
    std::atomic<bool> m_enabled{false};
    QMutex m_mutex;
    monitor::LogBatch m_batch;
    QtMessageHandler m_previous = nullptr;
};

} // namespace afcgi
