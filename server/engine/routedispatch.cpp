#include "engine/routedispatch.h"

#include <afcgi/handler.h>
#include <afcgi/request.h>

#include "engine/handlerguard.h"
#include "engine/requestprivate.h"

namespace afcgi {

RouteResolution resolveRoute(const Router &router, Request *request)
{
    RequestPrivate *d = RequestPrivate::get(request);
    RouteResolution resolution;
    RouterPrivate::get(router)->resolve(d->decodedPath(), 0, d->m_params.view("REQUEST_METHOD"),
                                        resolution);
    d->setRoute(resolution);
    return resolution;
}

void runRoute(const RouteResolution &resolution, Request *request)
{
    const char *where = "a before() hook";
    try {
        for (const RouterPrivate *router : resolution.routers) {
            for (const Router::Hook &hook : router->m_before) {
                hook(request);
                if (request->isEnded() || request->isAborted())
                    return; // the hook answered
            }
        }
        where = "the handler";
        if (resolution.handler) {
            resolution.handler->handle(request);
        } else if (resolution.status == 405) {
            request->setHeader("Allow", resolution.allow);
            request->respond(405, "text/plain", "Method not allowed\n");
        } else {
            request->respond(404, "text/plain", "Not found\n");
        }
    } catch (...) {
        answerException(request, std::current_exception(), where);
    }
}

} // namespace afcgi
