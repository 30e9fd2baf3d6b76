#pragma once

#include <afcgi/handler.h>

namespace afcgi {

// /stream?count=N&interval_ms=M[&sse=1]: N lines, each its own STDOUT record as soon as it is
// produced, M ms apart; with sse=1 as server-sent events. Pauses while the client does not read.
class StreamHandler final : public Handler
{
public:
    void handle(Request *request) override;
};

} // namespace afcgi
