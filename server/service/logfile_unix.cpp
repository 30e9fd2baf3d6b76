#include "service/logfile.h"

#include <QFile>

#include <cstdio>

namespace afcgi {

bool appendStderrTo(const QString &path)
{
    if (!std::freopen(QFile::encodeName(path).constData(), "a", stderr))
        return false;
    std::setvbuf(stderr, nullptr, _IOLBF, 0); // a line at a time, as on a terminal
    return true;
}

} // namespace afcgi
