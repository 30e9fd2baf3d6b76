#pragma once

#include "engine/routerprivate.h"

namespace afcgi {

class Request;

// What answers `request` on `router`: its decoded path is matched, and the path parameters,
// the HEAD flag and the routers' after() hooks are given to the request.
RouteResolution resolveRoute(const Router &router, Request *request);

// Runs the before() hooks of the routers the request entered, outermost first, then (unless a
// hook ended the request) its handler, or the 404 or 405. An exception from any of them is
// answered with a 500 (see answerException()).
void runRoute(const RouteResolution &resolution, Request *request);

} // namespace afcgi
