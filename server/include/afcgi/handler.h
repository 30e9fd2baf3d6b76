#pragma once

#include <afcgi/afcgi_global.h>
#include <afcgi/fastcgi.h>

namespace afcgi {

class Request;

// A handler answers requests mounted under a path prefix. One instance serves every worker
// thread at once, so handle() must not touch shared mutable state without care; per-request
// state belongs in objects parented to the Request (they die with it).
class AFCGI_EXPORT Handler
{
public:
    virtual ~Handler();
    // Called on the request's thread once its PARAMS are complete. Must not block: finish now,
    // or later from timers, signals or async I/O, by calling request->end().
    virtual void handle(Request *request) = 0;
    // A request in a role the handler does not support is answered with UNKNOWN_ROLE.
    virtual bool supportsRole(Role role) const { return role == Role::Responder; }
};

} // namespace afcgi
