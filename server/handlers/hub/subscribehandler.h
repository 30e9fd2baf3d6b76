#pragma once

#include <afcgi/handler.h>

namespace afcgi {

class Hub;

// GET {subscribe-prefix}/{channel}[,{channel}...]: server-sent events (the default, or
// ?mode=sse), a long poll (?mode=longpoll) or an interval poll (?mode=poll). Resumes after
// Last-Event-ID, ?last_id= or If-None-Match.
class SubscribeHandler final : public Handler
{
public:
    explicit SubscribeHandler(Hub *hub) : m_hub(hub) {}
    void handle(Request *request) override;

private:
    Hub *m_hub;
};

} // namespace afcgi
