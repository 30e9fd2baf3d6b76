// Platform code (Windows): the calling thread's kernel and user times.
#include "engine/threadcpu.h"

#include <windows.h>

namespace afcgi {

qint64 threadCpuMs()
{
    FILETIME created, exited, kernel, user;
    if (!::GetThreadTimes(::GetCurrentThread(), &created, &exited, &kernel, &user))
        return 0;
    const auto hundredNs = [](const FILETIME &t) { return (quint64(t.dwHighDateTime) << 32) | t.dwLowDateTime; };
    return qint64((hundredNs(kernel) + hundredNs(user)) / 10000);
}

} // namespace afcgi
