#include "handlers/builtinhandlers.h"

#include <afcgi/router.h>
#include <afcgi/serverinfo.h>

#include "handlers/delayhandler.h"
#include "handlers/echohandler.h"
#include "handlers/hellohandler.h"
#include "handlers/metricshandler.h"
#include "handlers/statushandler.h"
#include "handlers/streamhandler.h"

namespace afcgi {

void mountBuiltinHandlers(Router &router, const ServerInfo &server, const Hub *hub,
                          const QList<const StatusSource *> &sources)
{
    router.mount(QStringLiteral("/hello"), std::make_shared<HelloHandler>());
    router.mount(QStringLiteral("/echo"), std::make_shared<EchoHandler>(server.limits().bodyMemoryBytes));
    router.mount(QStringLiteral("/delay"), std::make_shared<DelayHandler>());
    router.mount(QStringLiteral("/stream"), std::make_shared<StreamHandler>());
    router.mount(QStringLiteral("/status"), std::make_shared<StatusHandler>(&server, hub, &router, sources));
    router.mount(QStringLiteral("/metrics"), std::make_shared<MetricsHandler>(&server, hub, sources));
    router.setFallback(std::make_shared<NotFoundHandler>());
}

} // namespace afcgi
