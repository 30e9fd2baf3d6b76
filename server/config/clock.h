#pragma once

#include <QtGlobal>

#include <chrono>

namespace afcgi {

// Milliseconds on the monotonic clock: deadlines, idle and slow-sender timeouts. Never goes
// back when the wall clock is set.
inline qint64 monotonicMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace afcgi
