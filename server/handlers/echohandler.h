#pragma once

#include <afcgi/handler.h>

namespace afcgi {

// /echo: 200 with the request body unchanged (the DATA stream for the FILTER role).
// The classic deadlock: nginx stops sending the request body once it has passed a response
// header on, and other front ends do not read the response before the body is sent. So the
// whole body is read first (what exceeds a memory bound is spooled to a temporary file, up to
// --max-body-bytes), then sent back with flow control: bounded memory, no deadlock.
class EchoHandler final : public Handler
{
public:
    explicit EchoHandler(qint64 memoryBytes) : m_memoryBytes(memoryBytes) {}
    void handle(Request *request) override;
    bool supportsRole(Role role) const override { return role != Role::Authorizer; }

private:
    qint64 m_memoryBytes;
};

} // namespace afcgi
