#include "net/halfclose.h"

#include <sys/socket.h>

namespace afcgi {

bool shutdownWriting(qintptr socketDescriptor)
{
    return socketDescriptor >= 0 && ::shutdown(int(socketDescriptor), SHUT_WR) == 0;
}

} // namespace afcgi
