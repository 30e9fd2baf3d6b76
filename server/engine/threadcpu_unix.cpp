// Platform code (Unix): the calling thread's CPU clock (Linux, and macOS since 10.12).
#include "engine/threadcpu.h"

#include <time.h>

namespace afcgi {

qint64 threadCpuMs()
{
    timespec used{};
    if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used) != 0)
        return 0;
    return qint64(used.tv_sec) * 1000 + used.tv_nsec / 1000000;
}

} // namespace afcgi
