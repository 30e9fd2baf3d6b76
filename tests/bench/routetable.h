#pragma once
// The route table the routing benchmarks use: `count` patterns (200 by default) shaped like a
// REST application's, all at the root beside the built-in mounts, so that a request for /hello
// goes past them: per resource, GET and POST on /<resource>, GET, PUT and DELETE on
// /<resource>/{id:int}; then a parameter route and a {path*} route at the root.

namespace afcgi {
class Router;
}

void addBenchRoutes(afcgi::Router &router, int count = 200);
