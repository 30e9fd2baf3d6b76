#include "monitor/monitorrelay.h"

#include <windows.h>

namespace afcgi {

qint64 readStdin(char *buffer, qint64 size)
{
    DWORD read = 0;
    // A closed pipe (ERROR_BROKEN_PIPE) is the end of the input, as EOF is.
    if (!ReadFile(GetStdHandle(STD_INPUT_HANDLE), buffer, DWORD(size), &read, nullptr))
        return GetLastError() == ERROR_BROKEN_PIPE ? 0 : -1;
    return qint64(read);
}

} // namespace afcgi
