#pragma once

#include <afcgi/handler.h>

namespace afcgi {

class Engine;

// /status: the server's state as JSON; ?full=1 adds every active request, gathered from
// all worker threads without a lock (each lists its own, the answers meet on this request's thread).
class StatusHandler final : public Handler
{
public:
    explicit StatusHandler(const Engine *engine) : m_engine(engine) {}
    void handle(Request *request) override;

private:
    const Engine *m_engine;
};

} // namespace afcgi
