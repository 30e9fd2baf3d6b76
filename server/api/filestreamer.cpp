#include "api/filestreamer.h"

#include <afcgi/request.h>

namespace afcgi {

namespace {
constexpr qint64 kChunkBytes = 64 * 1024;
} // namespace

FileStreamer::FileStreamer(Request *request, std::unique_ptr<QFile> file, qint64 offset, qint64 length)
    : QObject(request), m_request(request), m_file(std::move(file)), m_remaining(length)
{
    m_file->seek(offset);
    connect(request, &Request::writable, this, &FileStreamer::pump);
}

void FileStreamer::start()
{
    pump();
}

void FileStreamer::pump()
{
    while (m_remaining > 0 && !m_request->isEnded() && !m_request->isAborted() && m_request->canWrite()) {
        const QByteArray chunk = m_file->read(qMin(kChunkBytes, m_remaining));
        if (chunk.isEmpty()) {
            m_request->end(1); // the file shrank or failed: the response is cut short
            return;
        }
        m_remaining -= chunk.size();
        m_request->write(chunk);
    }
    if (m_remaining == 0 && !m_request->isEnded())
        m_request->end();
}

} // namespace afcgi
