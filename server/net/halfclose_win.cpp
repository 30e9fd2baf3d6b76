#include "net/halfclose.h"

#include <winsock2.h>

namespace afcgi {

bool shutdownWriting(qintptr socketDescriptor)
{
    // Named pipes (unix: listeners on Windows) have no half-close; TCP sockets do.
    return ::shutdown(SOCKET(socketDescriptor), SD_SEND) == 0;
}

} // namespace afcgi
