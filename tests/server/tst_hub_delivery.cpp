// The hub's delivery guarantees through the in-process engine over real sockets: order and
// exactly-once across channels and worker threads, exact resume with Last-Event-ID (also while
// another thread publishes), reset events after history loss and after a restart.
#include "hubtestsupport.h"

#include <QThread>

using namespace afcgi;
using namespace enginetest;

class tst_HubDelivery : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void orderedExactlyOnceAcrossWorkers();
    void resumeWithLastEventId();
    void resumeMultiChannel();
    void resumeWhilePublishing();
    void resetWhenOutOfHistory();
    void resetAfterRestart();
    void garbageIdResets();
};

namespace {
// Sequences of `channel` in the events, from their ids (the channel's position in a multi id).
QList<quint64> sequencesOf(const QList<SseEvent> &events, int position = 0, QByteArrayView type = "message")
{
    QList<quint64> out;
    for (const SseEvent &e : events) {
        if (e.event != type)
            continue;
        const QList<QByteArray> ids = e.lastEventId.split(',');
        out.append(EventId::parse(ids.value(position))->sequence);
    }
    return out;
}

QList<quint64> range(quint64 from, quint64 to)
{
    QList<quint64> out;
    for (quint64 i = from; i <= to; ++i)
        out.append(i);
    return out;
}
} // namespace

void tst_HubDelivery::orderedExactlyOnceAcrossWorkers()
{
    HubServer s;
    QVERIFY(s.server.start());
    // Four connections: the acceptor spreads them over both workers.
    QList<FcgiClient *> clients;
    QList<quint16> onA, onB;
    for (int i = 0; i < 4; ++i) {
        FcgiClient *c = s.server.connectClient();
        QVERIFY(c);
        clients.append(c);
        onA.append(sendGet(*c, "/sub/a"));
        onB.append(sendGet(*c, "/sub/b"));
    }
    QTRY_COMPARE(s.hub->stats().subscribers, 8);
    FcgiClient *publisher = s.server.connectClient();
    QVERIFY(publisher);
    // Half over /pub, half straight through the API from this thread.
    for (int i = 1; i <= 50; ++i) {
        const QByteArray body = QByteArray::number(i);
        if (i % 2) {
            QCOMPARE(publishOver(*publisher, "/pub/a", body).status, 200);
        } else {
            QCOMPARE(s.hub->publish("a", body).status, 200);
        }
        QCOMPARE(s.hub->publish("b", "b" + body).status, 200);
    }
    for (int i = 0; i < 4; ++i) {
        QVERIFY(waitEvents(*clients[i], onA[i], 50));
        QVERIFY(waitEvents(*clients[i], onB[i], 50));
        const QList<SseEvent> a = sseEvents(*clients[i], onA[i]);
        const QList<SseEvent> b = sseEvents(*clients[i], onB[i]);
        QCOMPARE(sequencesOf(a), range(1, 50));
        QCOMPARE(sequencesOf(b), range(1, 50));
        for (int k = 0; k < 50; ++k) {
            QCOMPARE(a[k].data, QByteArray::number(k + 1));
            QCOMPARE(b[k].data, "b" + QByteArray::number(k + 1));
        }
    }
    QCOMPARE(s.hub->stats().delivered, 400);
}

void tst_HubDelivery::resumeWithLastEventId()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 first = sendGet(*c, "/sub/news");
    QTRY_COMPARE(s.hub->stats().subscribers, 1);
    for (int i = 1; i <= 3; ++i)
        s.hub->publish("news", QByteArray::number(i));
    QVERIFY(waitEvents(*c, first, 3));
    const QByteArray last = sseEvents(*c, first).last().lastEventId;
    c->abortRequest(first); // the browser went away
    QTRY_COMPARE(s.hub->stats().subscribers, 0);
    for (int i = 4; i <= 6; ++i)
        s.hub->publish("news", QByteArray::number(i));

    const quint16 again = sendGetWith(*c, "/sub/news", {{"HTTP_LAST_EVENT_ID", last}});
    QVERIFY(waitEvents(*c, again, 3));
    s.hub->publish("news", "7");
    QVERIFY(waitEvents(*c, again, 4));
    const QList<SseEvent> events = sseEvents(*c, again);
    QCOMPARE(sequencesOf(events), range(4, 7));
    QCOMPARE(events.first().data, QByteArray("4"));
    // ?last_id= works the same way.
    const quint16 byQuery = sendGet(*c, "/sub/news?last_id=" + last);
    QVERIFY(waitEvents(*c, byQuery, 4));
    QCOMPARE(sequencesOf(sseEvents(*c, byQuery)), range(4, 7));
}

void tst_HubDelivery::resumeMultiChannel()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 first = sendGet(*c, "/sub/x,y");
    QTRY_COMPARE(s.hub->stats().subscribers, 2);
    s.hub->publish("x", "x1");
    s.hub->publish("y", "y1");
    QVERIFY(waitEvents(*c, first, 2));
    const QByteArray last = sseEvents(*c, first).last().lastEventId;
    QCOMPARE(last.count(','), 1);
    c->abortRequest(first);
    QTRY_COMPARE(s.hub->stats().subscribers, 0);
    s.hub->publish("y", "y2");
    s.hub->publish("x", "x2");
    s.hub->publish("y", "y3");
    const quint16 again = sendGetWith(*c, "/sub/x,y", {{"HTTP_LAST_EVENT_ID", last}});
    QVERIFY(waitEvents(*c, again, 3));
    const QList<SseEvent> events = sseEvents(*c, again);
    QCOMPARE(events.size(), 3);
    QStringList data;
    for (const SseEvent &e : events)
        data.append(QString::fromUtf8(e.data));
    QCOMPARE(data, (QStringList{"y2", "x2", "y3"}));
    QCOMPARE(sequencesOf(events, 0), (QList<quint64>{1, 2, 2}));
    QCOMPARE(sequencesOf(events, 1), (QList<quint64>{2, 2, 3}));
}

void tst_HubDelivery::resumeWhilePublishing()
{
    // A publisher thread publishes 2,000 messages while a subscriber keeps leaving after a few
    // and coming back with its last id: together its streams hold every message exactly once.
    constexpr int kTotal = 2000;
    HubOptions options = testHubOptions();
    options.historyCount = kTotal; // this test is about races, not about history loss
    HubServer s(options);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    quint16 id = sendGet(*c, "/sub/live?last_id=" + EventId{0, 0}.toString());
    QVERIFY(waitFor([&] { return sseEvents(*c, id, nullptr).size() >= 1; }, 5000)); // the reset
    const QByteArray start = sseEvents(*c, id).first().lastEventId;
    c->abortRequest(id);
    std::unique_ptr<QThread> publisher(QThread::create([&] {
        for (int i = 1; i <= kTotal; ++i)
            s.hub->publish("live", QByteArray::number(i));
    }));
    publisher->start();
    QList<quint64> seen;
    QByteArray last = start;
    while (seen.size() < kTotal) {
        id = sendGetWith(*c, "/sub/live", {{"HTTP_LAST_EVENT_ID", last}});
        const int want = qMin(37, kTotal - int(seen.size()));
        QVERIFY(waitEvents(*c, id, want, 20000));
        const QList<SseEvent> events = sseEvents(*c, id).mid(0, want);
        seen += sequencesOf(events);
        last = events.last().lastEventId;
        c->abortRequest(id);
    }
    QVERIFY(publisher->wait(20000));
    QCOMPARE(seen, range(1, kTotal));
}

void tst_HubDelivery::resetWhenOutOfHistory()
{
    HubOptions options = testHubOptions();
    options.historyCount = 3;
    HubServer s(options);
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    QByteArray first;
    for (int i = 1; i <= 10; ++i) {
        const QByteArray id = s.hub->publish("h", QByteArray::number(i)).id;
        if (i == 1)
            first = id;
    }
    const quint16 id = sendGetWith(*c, "/sub/h", {{"HTTP_LAST_EVENT_ID", first}});
    QVERIFY(waitEvents(*c, id, 1));
    s.hub->publish("h", "11");
    QVERIFY(waitEvents(*c, id, 2));
    const QList<SseEvent> events = sseEvents(*c, id);
    QCOMPARE(events.size(), 2); // never a replay flood: the reset, then what is new
    QCOMPARE(events[0].event, QByteArray("reset"));
    QCOMPARE(QJsonDocument::fromJson(events[0].data).object().value(QLatin1String("reason")).toString(),
             QStringLiteral("history"));
    QCOMPARE(EventId::parse(events[0].lastEventId)->sequence, quint64(10)); // resume from here
    QCOMPARE(events[1].data, QByteArray("11"));
    QCOMPARE(s.hub->stats().historyResets, 1);
}

void tst_HubDelivery::resetAfterRestart()
{
    QByteArray old;
    {
        HubServer before;
        QVERIFY(before.server.start());
        old = before.hub->publish("r", "before").id;
    }
    nextMillisecond();
    HubServer after; // a new afcgid: a new epoch, an empty history
    QVERIFY(after.server.start());
    FcgiClient *c = after.server.connectClient();
    QVERIFY(c);
    const quint16 id = sendGetWith(*c, "/sub/r", {{"HTTP_LAST_EVENT_ID", old}});
    QVERIFY(waitEvents(*c, id, 1));
    after.hub->publish("r", "after");
    QVERIFY(waitEvents(*c, id, 2));
    const QList<SseEvent> events = sseEvents(*c, id);
    QCOMPARE(events[0].event, QByteArray("reset"));
    QCOMPARE(QJsonDocument::fromJson(events[0].data).object().value(QLatin1String("reason")).toString(),
             QStringLiteral("epoch"));
    QCOMPARE(events[1].data, QByteArray("after"));
    QVERIFY(EventId::parse(events[1].lastEventId)->epoch > EventId::parse(old)->epoch);
}

void tst_HubDelivery::garbageIdResets()
{
    HubServer s;
    QVERIFY(s.server.start());
    FcgiClient *c = s.server.connectClient();
    QVERIFY(c);
    const quint16 id = sendGetWith(*c, "/sub/g", {{"HTTP_LAST_EVENT_ID", "undefined"}});
    QVERIFY(waitEvents(*c, id, 1));
    const SseEvent reset = sseEvents(*c, id).first();
    QCOMPARE(reset.event, QByteArray("reset"));
    QCOMPARE(QJsonDocument::fromJson(reset.data).object().value(QLatin1String("reason")).toString(),
             QStringLiteral("unknown-id"));
    QVERIFY(EventId::parse(reset.lastEventId)); // a valid id to come back with
}

QTEST_MAIN(tst_HubDelivery)
#include "tst_hub_delivery.moc"
