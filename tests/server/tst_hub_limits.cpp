// The hub's limits and costs through the in-process engine: clear answers (400/403/405/413/
// 429/503), a slow subscriber cut off with memory bounded, 1,000 subscribers multiplexed on one
// FastCGI connection, long and interval polls, closing a channel, keep-alives, /status.
#include "handlers/metricshandler.h"
#include "handlers/statushandler.h"
#include "hubtestsupport.h"

#include <afcgi/router.h>

#include <QJsonArray>

using namespace afcgi;
using namespace enginetest;

class tst_HubLimits : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void limits_data();
    void limits();
    void publishAuth_data();
    void publishAuth();
    void slowSubscriberIsCutOff();
    void thousandSubscribersOnOneConnection();
    void longPoll();
    void intervalPoll();
    void closeChannel();
    void keepAlive();
    void statusAndMetrics();
};

void tst_HubLimits::limits_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("bodyBytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason"); // a piece of the "error" text
    QTest::newRow("message-too-large") << QByteArray("/pub/a") << QByteArray("POST") << 2000 << 413
                                       << "max-message-bytes";
    QTest::newRow("too-many-channels") << QByteArray("/pub/third") << QByteArray("POST") << 1 << 429
                                       << "max-channels";
    QTest::newRow("too-many-subscribers") << QByteArray("/sub/a") << QByteArray("GET") << 0 << 429
                                          << "max-subscribers";
    QTest::newRow("history-memory-full") << QByteArray("/pub/b") << QByteArray("POST") << 1000 << 503
                                         << "total-history-bytes";
    QTest::newRow("bad-channel") << QByteArray("/pub/a%20b") << QByteArray("POST") << 1 << 400 << "invalid";
    QTest::newRow("no-channel") << QByteArray("/sub/") << QByteArray("GET") << 0 << 404 << "no channel";
    QTest::newRow("repeated-channel") << QByteArray("/sub/a,a") << QByteArray("GET") << 0 << 400 << "repeated";
    QTest::newRow("too-many-channels-per-subscriber") << QByteArray("/sub/a,b,c") << QByteArray("GET") << 0
                                                      << 400 << "more than 2";
    QTest::newRow("subscribe-method") << QByteArray("/sub/a") << QByteArray("POST") << 0 << 405 << "GET";
    QTest::newRow("publish-method") << QByteArray("/pub/a") << QByteArray("PATCH") << 0 << 405 << "POST";
    QTest::newRow("info-unknown") << QByteArray("/pub/nothing") << QByteArray("GET") << 0 << 404 << "no such";
    QTest::newRow("bad-mode") << QByteArray("/sub/a?mode=ws") << QByteArray("GET") << 0 << 400 << "mode";
}

void tst_HubLimits::limits()
{
    QFETCH(QByteArray, uri);
    QFETCH(QByteArray, method);
    QFETCH(int, bodyBytes);
    HubOptions o = testHubOptions();
    o.maxMessageBytes = 1500;
    o.maxChannels = 2;
    o.maxSubscribersPerChannel = 1;
    o.maxChannelsPerSubscriber = 2;
    o.totalHistoryBytes = 2500;
    HubServer s(o);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    QCOMPARE(s.hub->publish("a", QByteArray(800, 'x')).status, 200); // channel a, 1 subscriber
    QCOMPARE(s.hub->publish("b", "y").status, 200);                  // channel b: two channels
    sendGet(*c, "/sub/a");
    QTRY_COMPARE(s.hub->stats().subscribers, 1);

    const QByteArray body(bodyBytes, 'z');
    const quint16 id = c->beginRequest(FcgiClient::requestParams(method, uri, body.size(), "text/plain"));
    if (!body.isEmpty())
        c->sendStdin(id, body);
    c->sendStdin(id, {});
    QVERIFY(waitEnded(*c, id));
    const auto cgi = parse(c->takeResponse(id));
    QVERIFY(cgi);
    QTEST(cgi->status, "status");
    const QString error = QJsonDocument::fromJson(cgi->body).object().value(QLatin1String("error")).toString();
    QFETCH(QString, reason);
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_HubLimits::publishAuth_data()
{
    QTest::addColumn<QByteArray>("peer");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<int>("status");
    QTest::newRow("allowed-subnet") << QByteArray("10.9.8.7") << QByteArray() << QByteArray() << 200;
    QTest::newRow("other-peer") << QByteArray("192.0.2.1") << QByteArray() << QByteArray() << 403;
    QTest::newRow("loopback-not-listed") << QByteArray("127.0.0.1") << QByteArray() << QByteArray() << 403;
    QTest::newRow("secret-header") << QByteArray("192.0.2.1") << QByteArray("HTTP_X_HUB_SECRET")
                                   << QByteArray("open sesame") << 200;
    QTest::newRow("bearer") << QByteArray("192.0.2.1") << QByteArray("HTTP_AUTHORIZATION")
                            << QByteArray("Bearer open sesame") << 200;
    QTest::newRow("wrong-secret") << QByteArray("192.0.2.1") << QByteArray("HTTP_X_HUB_SECRET")
                                  << QByteArray("open sesamE") << 403;
}

void tst_HubLimits::publishAuth()
{
    QFETCH(QByteArray, peer);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, value);
    HubOptions o = testHubOptions();
    o.publishAllow = {QStringLiteral("10.0.0.0/8")};
    o.publishSecret = "open sesame";
    HubServer s(o);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    NameValueList extra{{"REMOTE_ADDR", peer}};
    if (!header.isEmpty())
        extra.append({header, value});
    const PublishAnswer answer = publishOver(*c, "/pub/auth", "m", extra);
    QTEST(answer.status, "status");
    QCOMPARE(s.hub->stats().published, answer.status == 200 ? 1 : 0);
}

void tst_HubLimits::slowSubscriberIsCutOff()
{
    HubOptions o = testHubOptions();
    o.subscriberQueueBytes = 64 * 1024;
    o.maxMessageBytes = 64 * 1024;
    ServerConfig config = defaultConfig();
    config.outputHighWaterBytes = 64 * 1024;
    HubServer s(o, config);
    QVERIFY(s.server.start());
    FcgiClient *slow = s.server.connectClient();
    FcgiClient *fast = s.server.connectClient();
    QVERIFY(slow && fast);
    const quint16 stalled = sendGet(*slow, "/sub/firehose");
    const quint16 keeping = sendGet(*fast, "/sub/firehose");
    QTRY_COMPARE(s.hub->stats().subscribers, 2);
    QVERIFY(waitFor([&] { return !slow->response(stalled).out.isEmpty(); }, 5000));
    slow->setReadingPaused(true); // a browser that stopped reading
    const QByteArray chunk(16 * 1024, 'm');
    int published = 0;
    qint64 maxQueued = 0;
    // Publish until the stalled subscriber is cut off: memory must stay bounded meanwhile. The
    // kernel's socket buffers take megabytes first, so this is hundreds of messages: the fast
    // subscriber's progress is judged by its byte count, not by parsing its whole stream each time.
    qsizetype fastBytes = fast->response(keeping).out.size();
    while (s.hub->stats().slowResets == 0 && published < 2000) {
        QCOMPARE(s.hub->publish("firehose", chunk).status, 200);
        ++published;
        QVERIFY(waitFor([&] { return fast->response(keeping).out.size() >= fastBytes + chunk.size(); },
                        10000));
        fastBytes = fast->response(keeping).out.size();
        maxQueued = qMax(maxQueued, s.server.counters().queuedOutputBytes);
    }
    QVERIFY(waitEvents(*fast, keeping, published, 10000));
    QCOMPARE(s.hub->stats().slowResets, 1);
    QVERIFY2(published < 2000, "the slow subscriber was never cut off");
    // Queued output never grew past the socket buffers' share: high-water + backlog + a frame.
    QVERIFY2(maxQueued <= 64 * 1024 + 64 * 1024 + 2 * chunk.size() + 4096,
             qPrintable(QString::number(maxQueued)));
    QTRY_COMPARE(s.hub->stats().subscribers, 1);
    slow->setReadingPaused(false);
    QVERIFY(waitEnded(*slow, stalled, 10000));
    const QList<SseEvent> events = sseEvents(*slow, stalled);
    QCOMPARE(events.last().event, QByteArray("reset"));
    QVERIFY(events.last().data.contains("slow"));
    QCOMPARE(sseEvents(*fast, keeping).size(), published); // the other one missed nothing
}

void tst_HubLimits::thousandSubscribersOnOneConnection()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    c->setKeepResponses(true);
    QList<quint16> ids;
    for (int i = 0; i < 1000; ++i)
        ids.append(sendGet(*c, i % 2 ? "/sub/odd,all" : "/sub/all"));
    QTRY_COMPARE_WITH_TIMEOUT(s.hub->stats().subscribers, 1500, 10000);
    HubChannelInfo info;
    QVERIFY(s.hub->channelInfo("all", &info));
    QCOMPARE(info.subscribers, 1000);
    QCOMPARE(s.hub->publish("all", "one").subscribers, 1000);
    s.hub->publish("odd", "two");
    s.hub->publish("all", "three");
    QVERIFY(waitFor([&] {
        for (int i = 0; i < 1000; ++i) {
            if (sseEvents(*c, ids[i]).size() < (i % 2 ? 3 : 2))
                return false;
        }
        return true;
    }, 20000));
    for (int i = 0; i < 1000; ++i) {
        QStringList data;
        for (const SseEvent &e : sseEvents(*c, ids[i]))
            data.append(QString::fromUtf8(e.data));
        const QStringList expected = i % 2 ? QStringList{"one", "two", "three"} : QStringList{"one", "three"};
        QCOMPARE(data, expected);
    }
    QCOMPARE(s.hub->stats().delivered, 2500);
}

void tst_HubLimits::longPoll()
{
    HubOptions o = testHubOptions();
    o.longPollTimeoutMs = 300;
    HubServer s(o);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 waiting = sendGet(*c, "/sub/lp?mode=longpoll");
    QTRY_COMPARE(s.hub->stats().subscribers, 1);
    QVERIFY(!c->response(waiting).ended);
    const QByteArray first = s.hub->publish("lp", "hello").id;
    QVERIFY(waitEnded(*c, waiting));
    auto cgi = parse(c->takeResponse(waiting));
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->header("ETag"), '"' + first + '"');
    QJsonObject body = QJsonDocument::fromJson(cgi->body).object();
    QCOMPARE(body.value(QLatin1String("last_id")).toString().toLatin1(), first);
    QCOMPARE(body.value(QLatin1String("messages")).toArray().first().toObject()
                 .value(QLatin1String("data")).toString(), QStringLiteral("hello"));
    // Missed while away: answered at once, with If-None-Match.
    s.hub->publish("lp", "a");
    s.hub->publish("lp", "b");
    const quint16 back = sendGetWith(*c, "/sub/lp?mode=longpoll", {{"HTTP_IF_NONE_MATCH", '"' + first + '"'}});
    QVERIFY(waitEnded(*c, back));
    cgi = parse(c->takeResponse(back));
    body = QJsonDocument::fromJson(cgi->body).object();
    QCOMPARE(body.value(QLatin1String("messages")).toArray().size(), 2);
    // Nothing new before the timeout: 304 with the same ETag.
    const QByteArray etag = cgi->header("ETag");
    const quint16 idle = sendGetWith(*c, "/sub/lp?mode=longpoll", {{"HTTP_IF_NONE_MATCH", etag}});
    QVERIFY(waitEnded(*c, idle));
    cgi = parse(c->takeResponse(idle));
    QCOMPARE(cgi->status, 304);
    QCOMPARE(cgi->header("ETag"), etag);
    QTRY_COMPARE(s.hub->stats().subscribers, 0);
}

void tst_HubLimits::intervalPoll()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const QByteArray id = s.hub->publish("ip", "1").id;
    s.hub->publish("ip", "2");
    quint16 r = sendGet(*c, "/sub/ip?mode=poll&last_id=" + id);
    QVERIFY(waitEnded(*c, r));
    auto cgi = parse(c->takeResponse(r));
    QCOMPARE(cgi->status, 200);
    const QJsonObject body = QJsonDocument::fromJson(cgi->body).object();
    QCOMPARE(body.value(QLatin1String("messages")).toArray().size(), 1);
    r = sendGet(*c, "/sub/ip?mode=poll&last_id=" + body.value(QLatin1String("last_id")).toString().toLatin1());
    QVERIFY(waitEnded(*c, r));
    QCOMPARE(parse(c->takeResponse(r))->status, 304);
    QCOMPARE(s.hub->stats().subscribers, 0);
}

void tst_HubLimits::closeChannel()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 sub = sendGet(*c, "/sub/doomed");
    QTRY_COMPARE(s.hub->stats().subscribers, 1);
    const quint16 del = sendGetWith(*c, "/pub/doomed", {}, "DELETE");
    QVERIFY(waitEnded(*c, del));
    QCOMPARE(parse(c->takeResponse(del))->status, 200);
    QVERIFY(waitEnded(*c, sub));
    QCOMPARE(sseEvents(*c, sub).last().event, QByteArray("close"));
    QCOMPARE(s.hub->stats().channels, 0);
    QCOMPARE(s.hub->stats().subscribers, 0);
}

void tst_HubLimits::keepAlive()
{
    HubOptions o = testHubOptions();
    o.keepAliveMs = 50;
    HubServer s(o);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 id = sendGet(*c, "/sub/quiet");
    int comments = 0;
    QVERIFY(waitFor([&] { sseEvents(*c, id, &comments); return comments >= 3; }, 5000));
}

void tst_HubLimits::statusAndMetrics()
{
    HubServer s;
    // The built-ins as afcgid mounts them with a hub (the fixture's /status has none).
    Router &router = s.server.engine().router();
    router.mount(QStringLiteral("/with-hub/status"), std::make_shared<StatusHandler>(&s.server.engine(), s.hub.get()));
    router.mount(QStringLiteral("/with-hub/metrics"), std::make_shared<MetricsHandler>(&s.server.engine(), s.hub.get()));
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    sendGet(*c, "/sub/m");
    QTRY_COMPARE(s.hub->stats().subscribers, 1);
    s.hub->publish("m", "x");
    QTRY_COMPARE(s.hub->stats().delivered, 1);
    const QJsonObject hub = fetchStatus(*c, "/with-hub/status").value(QLatin1String("hub")).toObject();
    QCOMPARE(hub.value(QLatin1String("channels")).toInt(), 1);
    QCOMPARE(hub.value(QLatin1String("subscribers")).toInt(), 1);
    QCOMPARE(hub.value(QLatin1String("published")).toInt(), 1);
    QCOMPARE(hub.value(QLatin1String("delivered")).toInt(), 1);
    const quint16 m = sendGet(*c, "/with-hub/metrics");
    QVERIFY(waitEnded(*c, m));
    const QByteArray metrics = parse(c->takeResponse(m))->body;
    QVERIFY(metrics.contains("\nafcgi_hub_subscribers 1\n"));
    QVERIFY(metrics.contains("\nafcgi_hub_delivered_total 1\n"));
    const quint16 info = sendGet(*c, "/pub/m");
    QVERIFY(waitEnded(*c, info));
    const QJsonObject channel = QJsonDocument::fromJson(parse(c->takeResponse(info))->body).object();
    QCOMPARE(channel.value(QLatin1String("subscribers")).toInt(), 1);
    QCOMPARE(channel.value(QLatin1String("last_id")).toString().section(QLatin1Char(':'), 1), QStringLiteral("1"));
}

QTEST_MAIN(tst_HubLimits)
#include "tst_hub_limits.moc"
