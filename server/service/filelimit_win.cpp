#include "service/filelimit.h"

namespace afcgi {

FileLimitChange raiseFileLimit()
{
    // Sockets are handles, limited only by memory; the C runtime's limit (_setmaxstdio) is for
    // FILE streams, which afcgid does not hold per connection.
    FileLimitChange change;
    change.text = QStringLiteral("open-file limit: none for sockets on Windows");
    return change;
}

} // namespace afcgi
