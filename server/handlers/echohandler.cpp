#include "handlers/echohandler.h"

#include <afcgi/request.h>

#include "handlers/bodyspool.h"

#include <QLoggingCategory>

namespace afcgi {

namespace {
Q_LOGGING_CATEGORY(lcHandler, "afcgi.server.handler", QtInfoMsg)

class EchoSession final : public QObject
{
public:
    EchoSession(Request *request, qint64 memoryBytes)
        : QObject(request), m_request(request), m_spool(memoryBytes),
          m_filter(request->role() == Role::Filter)
    {
        if (m_filter) {
            // A filter's body is the DATA stream; STDIN (usually empty) is read and not echoed.
            connect(request, &Request::inputReady, this, [request] { request->readInput(); });
            connect(request, &Request::dataReady, this, &EchoSession::pump);
            connect(request, &Request::dataEnded, this, &EchoSession::pump);
        } else {
            connect(request, &Request::inputReady, this, &EchoSession::pump);
            connect(request, &Request::inputEnded, this, &EchoSession::pump);
        }
        connect(request, &Request::writable, this, &EchoSession::pump);
    }

    void pump()
    {
        if (m_request->isAborted() || m_request->isEnded())
            return;
        const QByteArray incoming = m_filter ? m_request->readData() : m_request->readInput();
        if (!incoming.isEmpty() && !m_spool.append(incoming)) {
            qCWarning(lcHandler) << "echo: cannot spool the body to a temporary file";
            m_request->respond(500, "text/plain", "echo: cannot spool the body\n");
            return;
        }
        const bool finished = m_filter ? m_request->isDataFinished() : m_request->isInputFinished();
        if (!finished)
            return; // not a byte out before the whole body is in: see the class comment
        if (!m_request->headersSent())
            m_request->setHeader("Content-Length", QByteArray::number(m_spool.totalBytes()));
        while (!m_spool.isEmpty() && m_request->canWrite())
            m_request->write(m_spool.takeChunk());
        if (m_spool.isEmpty())
            m_request->end();
    }

private:
    Request *m_request;
    BodySpool m_spool;
    bool m_filter;
};
} // namespace

void EchoHandler::handle(Request *request)
{
    request->setStatus(200);
    const QByteArray contentType = request->param("CONTENT_TYPE");
    request->setHeader("Content-Type", contentType.isEmpty() ? QByteArray("application/octet-stream")
                                                             : contentType);
    auto *session = new EchoSession(request, m_memoryBytes);
    session->pump(); // input may have arrived before the params were complete
}

} // namespace afcgi
