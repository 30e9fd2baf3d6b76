#include "monitor/logcollector.h"

#include <QDateTime>

namespace afcgi {

namespace {
LogCollector *g_collector = nullptr; // the message handler is a plain function

QString levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return QStringLiteral("debug");
    case QtInfoMsg: return QStringLiteral("info");
    case QtWarningMsg: return QStringLiteral("warning");
    case QtCriticalMsg:
    case QtFatalMsg: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}
} // namespace

LogCollector::LogCollector(int maxPerBatch) : m_maxPerBatch(maxPerBatch)
{
    g_collector = this;
    m_previous = qInstallMessageHandler(&LogCollector::handler);
}

LogCollector::~LogCollector()
{
    qInstallMessageHandler(m_previous);
    g_collector = nullptr;
}

void LogCollector::handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (LogCollector *self = g_collector) {
        self->count(type, context.category, message);
        self->append(type, context.category, message);
        if (self->m_previous) {
            self->m_previous(type, context, message);
            return;
        }
    }
    // No previous handler means Qt's default: print with the message pattern.
    fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
}

void LogCollector::count(QtMsgType type, const char *category, const QString &message)
{
    // installLogFormat(): a 23-character time, the level, the category, ": ", the message, '\n'.
    constexpr qint64 kFixed = 23 + 1 + 1 + 2 + 1;
    const qint64 bytes = kFixed + levelName(type).size() + qint64(category ? qstrlen(category) : 7)
        + message.size();
    m_lines.fetch_add(1, std::memory_order_relaxed);
    m_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

void LogCollector::append(QtMsgType type, const char *category, const QString &message)
{
    if (!m_enabled.load(std::memory_order_relaxed))
        return;
    QMutexLocker lock(&m_mutex);
    if (m_batch.entries.size() >= m_maxPerBatch) {
        ++m_batch.dropped;
        return;
    }
    m_batch.entries.append({QDateTime::currentMSecsSinceEpoch(), levelName(type),
                            QString::fromLatin1(category ? category : "default"), message});
}

monitor::LogBatch LogCollector::takeBatch()
{
    QMutexLocker lock(&m_mutex);
    return std::exchange(m_batch, {});
}

} // namespace afcgi
