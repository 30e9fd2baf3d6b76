#include "monitor/monitorrelay.h"

#include <cerrno>
#include <unistd.h>

namespace afcgi {

qint64 readStdin(char *buffer, qint64 size)
{
    for (;;) {
        const ssize_t n = ::read(0, buffer, size_t(size));
        if (n >= 0 || errno != EINTR)
            return qint64(n);
    }
}

} // namespace afcgi
