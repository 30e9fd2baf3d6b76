#include "progressline.h"

#include "platform.h"

#include <cstdio>

namespace afcgi::bench::ProgressLine {

bool isTerminal()
{
    return stderrIsTerminal();
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
