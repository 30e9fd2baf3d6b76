#pragma once

#include <afcgi/afcgi_global.h>
#include <afcgi/fastcgi.h>

namespace afcgi {

class Request;

/// Answers the requests of a route or a prefix mount (see Router). One instance serves every
/// worker thread at once, so handle() must not touch shared mutable state without care;
/// per-request state belongs in objects parented to the Request (they die with it). A lambda
/// taking the `Request *` does as well where no class is needed.
class AFCGI_EXPORT Handler
{
public:
    virtual ~Handler();
    /// Called on the request's thread once its PARAMS are complete. Must not block: finish now,
    /// or later from timers, signals, async I/O or runAsync(), by calling request->end(). An
    /// exception that escapes it is answered with a 500.
    virtual void handle(Request *request) = 0;
    /// A request in a role the handler does not support is answered with UNKNOWN_ROLE.
    virtual bool supportsRole(Role role) const { return role == Role::Responder; }
};

} // namespace afcgi
