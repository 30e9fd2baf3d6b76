// Qt's own event dispatcher in the worker threads: everywhere but Linux, and on Linux with
// AFCGI_PORTABLE_IO.
#include "engine/eventdispatcher.h"

namespace afcgi {

QAbstractEventDispatcher *createWorkerEventDispatcher()
{
    return nullptr;
}

} // namespace afcgi
