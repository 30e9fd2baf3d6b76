#pragma once

#include <afcgi/handler.h>

namespace afcgi {

class Hub;

// {publish-prefix}/{channel}: POST publishes the body (?event= or X-Hub-Event: its event type),
// GET describes the channel, DELETE closes it. Only for allowed peers or the secret's bearers.
class PublishHandler final : public Handler
{
public:
    explicit PublishHandler(Hub *hub) : m_hub(hub) {}
    void handle(Request *request) override;

private:
    void publish(Request *request, const QByteArray &channel);
    Hub *m_hub;
};

} // namespace afcgi
