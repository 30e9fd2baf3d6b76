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

QStringList mountBuiltinHandlers(Router &router, const ServerInfo &server, const Hub *hub,
                                 const QList<const StatusSource *> &sources)
{
    QStringList mounted;
    const auto mount = [&](const QString &prefix, std::shared_ptr<Handler> handler) {
        router.mount(prefix, std::move(handler));
        mounted.append(prefix);
    };
    mount(QStringLiteral("/hello"), std::make_shared<HelloHandler>());
    mount(QStringLiteral("/echo"), std::make_shared<EchoHandler>(server.limits().bodyMemoryBytes));
    mount(QStringLiteral("/delay"), std::make_shared<DelayHandler>());
    mount(QStringLiteral("/stream"), std::make_shared<StreamHandler>());
    mount(QStringLiteral("/status"), std::make_shared<StatusHandler>(&server, hub, &router, sources));
    mount(QStringLiteral("/metrics"), std::make_shared<MetricsHandler>(&server, hub, sources));
    router.setFallback(std::make_shared<NotFoundHandler>());
    return mounted;
}

} // namespace afcgi
