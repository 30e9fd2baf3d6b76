#include "progressline.h"

#include <cstdio>

#ifdef Q_OS_UNIX
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <io.h>
#endif

namespace afcgi::bench::ProgressLine {

bool isTerminal()
{
#ifdef Q_OS_UNIX
    return isatty(fileno(stderr));
#elif defined(Q_OS_WIN)
    return _isatty(_fileno(stderr));
#else
    return false;
#endif
}

void show(const QString &line)
{
    std::fprintf(stderr, "\r\033[K%s", qPrintable(line)); // \033[K: erase to the end of the line
    std::fflush(stderr);
}

void clear()
{
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

} // namespace afcgi::bench::ProgressLine
