#pragma once

#include <QString>
#include <QtGlobal>

#include <array>
#include <climits>
#include <atomic>

namespace afcgi {

// The path of the request the worker called into last, for the loop watchdog's log line: the
// worker writes it (its first kMaxChars characters) when it starts a request's handler and when
// it calls into a request other than the one written last; the watchdog reads it while the
// worker is stuck. A sequence count around the
// write (odd while writing) tells a torn read, and every field is a relaxed atomic, so the two
// threads never race on plain memory and nothing the worker frees is ever read.
class RunningPath
{
public:
    static constexpr int kMaxChars = 128;

    // Worker thread only: whether the path written last is that request's (ids are reused: a
    // new request's path is written whatever this says).
    bool holds(quint64 connectionId, int requestId) const
    {
        return m_request.load(std::memory_order_relaxed) == requestId
               && m_connection.load(std::memory_order_relaxed) == connectionId;
    }
    // Worker thread only.
    void set(quint64 connectionId, int requestId, QStringView path)
    {
        const quint32 seq = m_seq.load(std::memory_order_relaxed);
        m_seq.store(seq + 1, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_release);
        const qsizetype n = qMin<qsizetype>(path.size(), kMaxChars);
        for (qsizetype i = 0; i < n; ++i)
            m_chars[size_t(i)].store(path[i].unicode(), std::memory_order_relaxed);
        m_size.store(int(qMin<qsizetype>(path.size(), INT_MAX)), std::memory_order_relaxed);
        m_connection.store(connectionId, std::memory_order_relaxed);
        m_request.store(requestId, std::memory_order_relaxed);
        m_seq.store(seq + 2, std::memory_order_release);
    }

    // Any thread: the path written for that request (cut at kMaxChars, then "..."), or an empty
    // string when it was written for another request or was being written.
    QString read(quint64 connectionId, int requestId) const
    {
        const quint32 seq = m_seq.load(std::memory_order_acquire);
        if (seq & 1)
            return {};
        const int size = m_size.load(std::memory_order_relaxed);
        const int n = qMin(size, kMaxChars);
        QString path(n, Qt::Uninitialized);
        for (int i = 0; i < n; ++i)
            path[i] = QChar(m_chars[size_t(i)].load(std::memory_order_relaxed));
        const bool same = m_connection.load(std::memory_order_relaxed) == connectionId
                          && m_request.load(std::memory_order_relaxed) == requestId;
        std::atomic_thread_fence(std::memory_order_acquire);
        if (!same || m_seq.load(std::memory_order_relaxed) != seq)
            return {};
        if (size > kMaxChars)
            path += QStringLiteral("...");
        return path;
    }

private:
    std::atomic<quint32> m_seq{0};
    std::atomic<int> m_size{0};
    std::atomic<quint64> m_connection{0};
    std::atomic<int> m_request{-1};
    std::array<std::atomic<char16_t>, kMaxChars> m_chars{};
};

} // namespace afcgi
