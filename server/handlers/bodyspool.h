#pragma once
// A FIFO of request-body bytes: the head in memory up to a bound, the overflow in a temporary
// file. What a handler cannot pass on yet waits here, so that memory stays bounded however
// slowly the body is consumed (/echo, the CGI bridge's child stdin).

#include <QByteArray>

#include <memory>

class QTemporaryFile;

namespace afcgi {

class BodySpool
{
public:
    static constexpr qint64 kChunkBytes = 64 * 1024;

    explicit BodySpool(qint64 memoryBytes);
    ~BodySpool();

    // False when the temporary file cannot be written (the bytes are lost).
    bool append(const QByteArray &bytes);
    // The oldest bytes, at most kChunkBytes; empty when the spool is.
    QByteArray takeChunk();
    void clear(); // forget what is waiting

    bool isEmpty() const;
    qint64 totalBytes() const { return m_totalBytes; } // everything ever appended

private:
    qint64 m_memoryBytes;
    QByteArray m_memory;
    qsizetype m_memoryReadPos = 0; // bytes of m_memory already taken
    std::unique_ptr<QTemporaryFile> m_file;
    qint64 m_fileReadPos = 0;
    qint64 m_fileWritePos = 0;
    qint64 m_totalBytes = 0;
};

} // namespace afcgi
