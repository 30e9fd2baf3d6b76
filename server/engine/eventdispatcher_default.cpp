// Platform code (not Linux): worker threads run Qt's own event dispatcher.
#include "engine/eventdispatcher.h"

namespace afcgi {

QAbstractEventDispatcher *createWorkerEventDispatcher()
{
    return nullptr;
}

} // namespace afcgi
