#pragma once

#include <afcgi/handler.h>

namespace afcgi {

// /hello: 200, text/plain, "Hello world\n". The cheapest possible answer: a health check and
// the benchmark target. As an AUTHORIZER it authorizes everything.
class HelloHandler final : public Handler
{
public:
    void handle(Request *request) override;
    bool supportsRole(Role role) const override { return role != Role::Filter; }
};

// Anything not mounted: 404 with a short text body.
class NotFoundHandler final : public Handler
{
public:
    void handle(Request *request) override;
    bool supportsRole(Role) const override { return true; }
};

} // namespace afcgi
