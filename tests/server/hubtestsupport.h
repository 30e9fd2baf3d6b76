#pragma once
// The hub in an in-process engine: a Hub with test options mounted beside the built-ins, and
// helpers that subscribe over FastCGI and read the events back as a browser would.

#include "enginetestcase.h"
#include "handlers/hub/eventid.h"
#include "handlers/hub/hubhandlers.h"
#include "sseparser.h"

#include <afcgi/hub.h>

#include <QDateTime>

namespace enginetest {

inline afcgi::HubOptions testHubOptions()
{
    afcgi::HubOptions o;
    o.keepAliveMs = 0; // tests that want keep-alives ask for them
    return o;
}

// The hub is declared first, so it outlives the engine and every subscription.
class HubServer
{
public:
    explicit HubServer(afcgi::HubOptions options = testHubOptions(),
                       afcgi::ServerConfig config = defaultConfig())
        : hub(std::make_unique<afcgi::Hub>(options)), server("tcp", config)
    {
        afcgi::mountHubHandlers(server.engine().router(), hub.get());
    }
    std::unique_ptr<afcgi::Hub> hub;
    TestServer server;
};

// A GET with extra CGI parameters (HTTP_LAST_EVENT_ID, HTTP_X_HUB_SECRET, REMOTE_ADDR...).
inline quint16 sendGetWith(afcgi::FcgiClient &client, QByteArrayView uri,
                           const afcgi::NameValueList &extra, QByteArrayView method = "GET")
{
    afcgi::NameValueList params = afcgi::FcgiClient::requestParams(method, uri);
    for (const afcgi::NameValue &pair : extra) {
        params.removeIf([&](const afcgi::NameValue &p) { return p.first == pair.first; });
        params.append(pair);
    }
    const quint16 id = client.beginRequest(params);
    client.sendStdin(id, {});
    return id;
}

// The SSE body of request `id` so far (after the CGI header block), parsed.
inline QList<afcgi::SseEvent> sseEvents(const afcgi::FcgiClient &client, quint16 id,
                                        int *comments = nullptr)
{
    const QByteArray out = client.response(id).out;
    const qsizetype end = out.indexOf("\r\n\r\n");
    QList<afcgi::SseEvent> events;
    if (end < 0)
        return events;
    afcgi::SseParser parser;
    parser.feed(QByteArrayView(out).sliced(end + 4));
    while (auto e = parser.next())
        events.append(*e);
    if (comments)
        *comments = parser.comments();
    return events;
}

inline bool waitEvents(const afcgi::FcgiClient &client, quint16 id, int count, int timeoutMs = 10000)
{
    return waitFor([&] { return sseEvents(client, id).size() >= count; }, timeoutMs);
}

struct PublishAnswer
{
    int status = 0;
    QJsonObject json;
};

inline PublishAnswer publishOver(afcgi::FcgiClient &client, QByteArrayView uri, QByteArrayView body,
                                 const afcgi::NameValueList &extra = {})
{
    afcgi::NameValueList params = afcgi::FcgiClient::requestParams("POST", uri, body.size(),
                                                                   "text/plain");
    for (const afcgi::NameValue &pair : extra) {
        params.removeIf([&](const afcgi::NameValue &p) { return p.first == pair.first; });
        params.append(pair);
    }
    const quint16 id = client.beginRequest(params);
    if (!body.isEmpty())
        client.sendStdin(id, body);
    client.sendStdin(id, {});
    PublishAnswer answer;
    if (!waitEnded(client, id))
        return answer;
    const auto cgi = parse(client.takeResponse(id));
    if (!cgi)
        return answer;
    answer.status = cgi->status;
    answer.json = QJsonDocument::fromJson(cgi->body).object();
    return answer;
}

// Waits until the wall clock has moved on, so a hub created next has a later epoch.
inline void nextMillisecond()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    while (QDateTime::currentMSecsSinceEpoch() == now) {
    }
}

} // namespace enginetest
