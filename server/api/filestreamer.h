#pragma once

#include <QFile>
#include <QObject>

#include <memory>

namespace afcgi {

class Request;

// Sends `length` bytes of an open file from `offset` as the request's body, a chunk at a
// time while the request can take more (Request::canWrite()), resuming on writable(); ends
// the request when all is sent. Parented to the request: an abort stops it.
class FileStreamer final : public QObject
{
public:
    FileStreamer(Request *request, std::unique_ptr<QFile> file, qint64 offset, qint64 length);
    void start();

private:
    void pump();

    Request *m_request;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
};

} // namespace afcgi
