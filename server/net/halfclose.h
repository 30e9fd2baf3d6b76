#pragma once
// Platform code: close only the sending direction of a connected socket (shutdown(SHUT_WR)),
// so that the peer reads the end of our output while it may still be writing to us.

#include <QtGlobal>

namespace afcgi {

// Returns false where the platform or the socket type cannot do it.
bool shutdownWriting(qintptr socketDescriptor);

} // namespace afcgi
