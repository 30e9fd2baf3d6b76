#include "handlers/builtinhandlers.h"

#include "engine/engine.h"
#include "handlers/delayhandler.h"
#include "handlers/echohandler.h"
#include "handlers/hellohandler.h"
#include "handlers/metricshandler.h"
#include "handlers/statushandler.h"
#include "handlers/streamhandler.h"

namespace afcgi {

void mountBuiltinHandlers(Engine &engine)
{
    Router &router = engine.router();
    router.mount(QStringLiteral("/hello"), std::make_shared<HelloHandler>());
    router.mount(QStringLiteral("/echo"), std::make_shared<EchoHandler>(engine.config().bodyMemoryBytes));
    router.mount(QStringLiteral("/delay"), std::make_shared<DelayHandler>());
    router.mount(QStringLiteral("/stream"), std::make_shared<StreamHandler>());
    router.mount(QStringLiteral("/status"), std::make_shared<StatusHandler>(&engine));
    router.mount(QStringLiteral("/metrics"), std::make_shared<MetricsHandler>(&engine));
    router.setFallback(std::make_shared<NotFoundHandler>());
}

} // namespace afcgi
