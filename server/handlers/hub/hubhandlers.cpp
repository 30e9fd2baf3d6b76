#include "handlers/hub/hubhandlers.h"

#include "handlers/hub/publishhandler.h"
#include "handlers/hub/subscribehandler.h"

#include <afcgi/hub.h>
#include <afcgi/router.h>

namespace afcgi {

void mountHubHandlers(Router &router, Hub *hub)
{
    router.mount(hub->options().publishPrefix, std::make_shared<PublishHandler>(hub));
    router.mount(hub->options().subscribePrefix, std::make_shared<SubscribeHandler>(hub));
}

} // namespace afcgi
