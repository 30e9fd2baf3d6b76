#include "service/logfile.h"

#include <cstdio>

namespace afcgi {

bool appendStderrTo(const QString &path)
{
    // The wide-character call: a path that the ANSI code page cannot spell still opens.
    FILE *reopened = nullptr;
    if (::_wfreopen_s(&reopened, reinterpret_cast<const wchar_t *>(path.utf16()), L"a", stderr) != 0)
        return false;
    // Microsoft's C runtime has no line buffering (_IOLBF is full buffering there, and a size
    // of 0 is an invalid parameter that aborts): unbuffered, so every line is in the file at once.
    std::setvbuf(stderr, nullptr, _IONBF, 0);
    return true;
}

} // namespace afcgi
