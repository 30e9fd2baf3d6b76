#include "routetable.h"

#include <afcgi/request.h>
#include <afcgi/router.h>

void addBenchRoutes(afcgi::Router &router, int count)
{
    const auto answer = [](afcgi::Request *request) { request->respond(200, "text/plain", "routed\n"); };
    int added = 0;
    for (int resource = 0; added < count; ++resource) {
        const QString base = QStringLiteral("/resource%1").arg(resource);
        const QString item = base + QStringLiteral("/{id:int}");
        router.get(base, answer);
        router.post(base, answer);
        router.get(item, answer);
        router.put(item, answer);
        router.del(item, answer);
        added += 5;
    }
    router.get(QStringLiteral("/{slug}/feed"), answer);
    router.get(QStringLiteral("/static/{path*}"), answer);
}
