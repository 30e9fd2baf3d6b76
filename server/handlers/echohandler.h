#pragma once

#include "handler.h"

namespace afcgi {

// /echo: 200 with the request body unchanged (the DATA stream for the FILTER role), streaming.
// A web server may not read the response until it has sent the whole body; when our output
// cannot drain, the body goes on being read and what exceeds a memory bound is spooled to a
// temporary file, so neither side waits for the other and memory stays bounded.
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
