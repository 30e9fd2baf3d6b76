#pragma once

#include <afcgi/handler.h>

namespace afcgi {

// /delay?ms=N (0..600000): answers 200 after N ms, from a timer: a pending request costs no
// thread. A bad or missing N is a 400.
class DelayHandler final : public Handler
{
public:
    void handle(Request *request) override;
};

} // namespace afcgi
