#include "handlers/echohandler.h"

#include <afcgi/request.h>

#include <QLoggingCategory>
#include <QTemporaryFile>

#include <memory>

namespace afcgi {

namespace {
Q_LOGGING_CATEGORY(lcHandler, "afcgi.server.handler", QtInfoMsg)

constexpr qint64 kChunkBytes = 64 * 1024;

// A FIFO of body bytes: the head in memory, the overflow in a temporary file.
class Spool
{
public:
    explicit Spool(qint64 memoryBytes) : m_memoryBytes(memoryBytes) {}

    bool append(const QByteArray &bytes)
    {
        m_totalBytes += bytes.size();
        // Once anything is on disk, later bytes follow it there to keep their order.
        if (!m_file && m_memory.size() + bytes.size() <= m_memoryBytes) {
            m_memory.append(bytes);
            return true;
        }
        if (!m_file) {
            m_file = std::make_unique<QTemporaryFile>();
            if (!m_file->open())
                return false;
        }
        m_file->seek(m_fileWritePos);
        if (m_file->write(bytes) != bytes.size())
            return false;
        m_fileWritePos += bytes.size();
        return true;
    }

    QByteArray takeChunk()
    {
        if (!m_memory.isEmpty()) {
            if (m_memory.size() <= kChunkBytes)
                return std::exchange(m_memory, {});
            QByteArray chunk = m_memory.left(kChunkBytes);
            m_memory.remove(0, kChunkBytes);
            return chunk;
        }
        if (!m_file || m_fileReadPos >= m_fileWritePos)
            return {};
        m_file->seek(m_fileReadPos);
        QByteArray chunk = m_file->read(qMin(kChunkBytes, m_fileWritePos - m_fileReadPos));
        m_fileReadPos += chunk.size();
        if (m_fileReadPos >= m_fileWritePos)
            m_file.reset(); // drained: back to memory for what comes next
        if (!m_file)
            m_fileReadPos = m_fileWritePos = 0;
        return chunk;
    }

    bool isEmpty() const { return m_memory.isEmpty() && !m_file; }
    qint64 totalBytes() const { return m_totalBytes; } // everything ever appended

private:
    qint64 m_memoryBytes;
    QByteArray m_memory;
    std::unique_ptr<QTemporaryFile> m_file;
    qint64 m_fileReadPos = 0;
    qint64 m_fileWritePos = 0;
    qint64 m_totalBytes = 0;
};

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
    Spool m_spool;
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
