#include "handlers/bodyspool.h"

#include <QTemporaryFile>

namespace afcgi {

BodySpool::BodySpool(qint64 memoryBytes) : m_memoryBytes(memoryBytes) {}

BodySpool::~BodySpool() = default;

bool BodySpool::append(const QByteArray &bytes)
{
    m_totalBytes += bytes.size();
    // Once anything is on disk, later bytes follow it there to keep their order.
    if (!m_file && m_memory.size() - m_memoryReadPos + bytes.size() <= m_memoryBytes) {
        if (m_memoryReadPos > 0 && m_memoryReadPos == m_memory.size()) {
            m_memory.clear();
            m_memoryReadPos = 0;
        }
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

QByteArray BodySpool::takeChunk()
{
    if (m_memoryReadPos < m_memory.size()) {
        if (m_memoryReadPos == 0 && m_memory.size() <= kChunkBytes)
            return std::exchange(m_memory, {});
        const qsizetype n = qMin<qsizetype>(kChunkBytes, m_memory.size() - m_memoryReadPos);
        QByteArray chunk = m_memory.mid(m_memoryReadPos, n);
        m_memoryReadPos += n;
        if (m_memoryReadPos == m_memory.size()) {
            m_memory.clear();
            m_memoryReadPos = 0;
        }
        return chunk;
    }
    if (!m_file || m_fileReadPos >= m_fileWritePos)
        return {};
    m_file->seek(m_fileReadPos);
    QByteArray chunk = m_file->read(qMin(kChunkBytes, m_fileWritePos - m_fileReadPos));
    m_fileReadPos += chunk.size();
    if (m_fileReadPos >= m_fileWritePos || chunk.isEmpty()) {
        m_file.reset(); // drained: back to memory for what comes next
        m_fileReadPos = m_fileWritePos = 0;
    }
    return chunk;
}

void BodySpool::clear()
{
    m_memory.clear();
    m_memoryReadPos = 0;
    m_file.reset();
    m_fileReadPos = m_fileWritePos = 0;
}

bool BodySpool::isEmpty() const
{
    return m_memoryReadPos >= m_memory.size() && !m_file;
}

} // namespace afcgi
