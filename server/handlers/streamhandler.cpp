#include "handlers/streamhandler.h"

#include <afcgi/request.h>

#include <QTimer>

namespace afcgi {

namespace {
constexpr qint64 kMaxCount = 10000000;
constexpr qint64 kMaxIntervalMs = 600000;

// Produces the lines of one /stream request; dies with the request.
class StreamSession final : public QObject
{
public:
    StreamSession(Request *request, qint64 count, int intervalMs, bool sse)
        : QObject(request), m_request(request), m_count(count), m_sse(sse)
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer);
        m_interval = intervalMs;
        connect(&m_timer, &QTimer::timeout, this, &StreamSession::produce);
        connect(request, &Request::writable, this, &StreamSession::produce);
        connect(request, &Request::aborted, &m_timer, &QTimer::stop);
    }

    void produce()
    {
        if (m_request->isAborted() || m_request->isEnded())
            return;
        // With no interval, write until the queue is full, then continue on writable().
        while (m_sent < m_count && m_request->canWrite()) {
            ++m_sent;
            const QByteArray n = QByteArray::number(m_sent);
            m_request->write(m_sse ? "data: line " + n + "\n\n" : "line " + n + "\n");
            if (m_interval > 0)
                break;
        }
        if (m_sent >= m_count) {
            m_request->end();
            return;
        }
        if (m_interval > 0 && m_request->canWrite())
            m_timer.start(m_interval);
    }

private:
    Request *m_request;
    QTimer m_timer;
    qint64 m_count;
    qint64 m_sent = 0;
    int m_interval = 0;
    bool m_sse;
};

qint64 parseBounded(const QByteArray &text, qint64 fallback, qint64 max, bool *ok)
{
    if (text.isEmpty())
        return fallback;
    bool parsed = false;
    const qint64 n = text.toLongLong(&parsed);
    if (!parsed || n < 0 || n > max)
        *ok = false;
    return n;
}
} // namespace

void StreamHandler::handle(Request *request)
{
    bool ok = true;
    const qint64 count = parseBounded(request->queryValue("count"), 10, kMaxCount, &ok);
    const qint64 interval = parseBounded(request->queryValue("interval_ms"), 0, kMaxIntervalMs, &ok);
    if (!ok) {
        request->respond(400, "text/plain",
                         "count must be 0..10000000 and interval_ms 0..600000\n");
        return;
    }
    const bool sse = request->queryValue("sse") == "1";
    request->setStatus(200);
    request->setHeader("Content-Type", sse ? "text/event-stream" : "text/plain");
    request->setHeader("Cache-Control", "no-cache");
    request->setHeader("X-Accel-Buffering", "no"); // tells nginx not to buffer this response
    auto *session = new StreamSession(request, count, int(interval), sse);
    session->produce();
}

} // namespace afcgi
