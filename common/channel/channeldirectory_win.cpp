#include "channeladdress.h"

namespace afcgi::monitor {

// Windows channels are named pipes, not files: there is no directory to own. The pipe's access
// list (Qt's UserAccessOption) and the peer check (peercredentials_win.cpp) keep it private.
QString userChannelDirectory()
{
    return {};
}

bool checkPrivateDirectory(const QString &, bool, QString *)
{
    return true;
}

} // namespace afcgi::monitor
