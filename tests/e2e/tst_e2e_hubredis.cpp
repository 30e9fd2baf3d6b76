// Several instances: two real afcgid --hub-redis and a real redis-server, all started here.
// Subscribers on both, publishes on either: every subscriber gets every message once, in the same
// order, with the same ids; a subscriber resumes on the other instance; with Redis stopped a
// publish is refused with 503 and a reason, the instances reconnect by themselves and their
// subscribers are told to reset; a restarted afcgid resumes from the history kept in Redis.

#include "e2etest.h"
#include "fcgiclient.h"
#include "processfixture.h"
#include "sseparser.h"

#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace e2e;
using afcgi::FcgiClient;

namespace {

QList<afcgi::SseEvent> eventsOf(const FcgiClient &client, quint16 id)
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
    return events;
}

QStringList summary(const QList<afcgi::SseEvent> &events)
{
    QStringList out;
    for (const afcgi::SseEvent &e : events)
        out.append(QString::fromUtf8(e.event + ' ' + e.lastEventId + ' ' + e.data));
    return out;
}

quint16 subscribe(FcgiClient &client, const QByteArray &channel, const QByteArray &lastId = {})
{
    afcgi::NameValueList params = FcgiClient::requestParams("GET", "/sub/" + channel);
    if (!lastId.isEmpty())
        params.append({"HTTP_LAST_EVENT_ID", lastId});
    const quint16 id = client.beginRequest(params);
    client.sendStdin(id, {});
    return id;
}

// POST /pub/{channel}: the status and the JSON answer.
QPair<int, QJsonObject> publish(FcgiClient &client, const QByteArray &channel, const QByteArray &body)
{
    const quint16 id = client.beginRequest(
        FcgiClient::requestParams("POST", "/pub/" + channel, body.size(), "text/plain"));
    client.sendStdin(id, body);
    client.sendStdin(id, {});
    if (!QTest::qWaitFor([&] { return client.response(id).ended; }, 10000))
        return {0, {}};
    const QByteArray out = client.takeResponse(id).out;
    const int status = out.startsWith("Status: ") ? out.mid(8, 3).toInt() : 0;
    return {status, QJsonDocument::fromJson(out.mid(out.indexOf("\r\n\r\n") + 4)).object()};
}

} // namespace

class tst_E2eHubRedis : public E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void twoInstancesOneHistory();

private:
    bool startRedis(QString *error);
    QProcess *startInstance(const QString &address, QString *error);
    std::unique_ptr<FcgiClient> connect(const QString &address);

    quint16 m_redisPort = 0;
    QProcess *m_redis = nullptr;
};

bool tst_E2eHubRedis::startRedis(QString *error)
{
    if (!m_redisPort)
        m_redisPort = ProcessFixture::freeTcpPort();
    m_redis = m_fixture->start(ProcessFixture::findTool(QStringLiteral("redis-server")),
                               {QStringLiteral("--port"), QString::number(m_redisPort),
                                QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                                QStringLiteral("no"), QStringLiteral("--dir"), m_fixture->dirPath()},
                               QStringLiteral("redis"), QStringLiteral("127.0.0.1:%1").arg(m_redisPort), error);
    return m_redis != nullptr;
}

QProcess *tst_E2eHubRedis::startInstance(const QString &address, QString *error)
{
    return m_fixture->startAfcgid({QStringLiteral("--listen"), address, QStringLiteral("--hub-redis"),
                                   QStringLiteral("redis://127.0.0.1:%1").arg(m_redisPort),
                                   QStringLiteral("--shutdown-grace"), QStringLiteral("200"),
                                   QStringLiteral("--monitor"), QStringLiteral("none")},
                                  address, error);
}

std::unique_ptr<FcgiClient> tst_E2eHubRedis::connect(const QString &address)
{
    auto client = std::make_unique<FcgiClient>();
    client->connectToServer(address);
    return client->waitForConnected(5000) ? std::move(client) : nullptr;
}

void tst_E2eHubRedis::twoInstancesOneHistory()
{
#ifndef AFCGI_HAVE_HIREDIS
    if (ProcessFixture::missingToolIsFailure())
        QFAIL("afcgid was built without hiredis (libhiredis-dev)");
    QSKIP("afcgid was built without hiredis (libhiredis-dev)");
#endif
    E2E_REQUIRE_TOOL(redis, "redis-server");
    QString error;
    QVERIFY2(startRedis(&error), qPrintable(error));
    const QString addressA = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    const QString addressB = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QProcess *a = startInstance(addressA, &error);
    QVERIFY2(a, qPrintable(error));
    QVERIFY2(startInstance(addressB, &error), qPrintable(error));
    const auto backendUp = [](const QString &address) {
        return ProcessFixture::afcgidStatus(address).value(QLatin1String("hub")).toObject()
            .value(QLatin1String("backend_up")).toBool();
    };
    QTRY_VERIFY_WITH_TIMEOUT(backendUp(addressA) && backendUp(addressB), 10000);

    auto clientA = connect(addressA);
    auto clientB = connect(addressB);
    QVERIFY(clientA && clientB);
    const QList<quint16> onA{subscribe(*clientA, "room"), subscribe(*clientA, "room")};
    const QList<quint16> onB{subscribe(*clientB, "room"), subscribe(*clientB, "room")};
    const auto subscribers = [](const QString &address) {
        return ProcessFixture::afcgidStatus(address).value(QLatin1String("hub")).toObject()
            .value(QLatin1String("subscribers")).toInt();
    };
    QTRY_VERIFY_WITH_TIMEOUT(subscribers(addressA) == 2 && subscribers(addressB) == 2, 10000);
    // Publishes alternate between the instances.
    for (int i = 1; i <= 10; ++i) {
        const auto [status, answer] = publish(i % 2 ? *clientA : *clientB, "room", "m" + QByteArray::number(i));
        QCOMPARE(status, 200);
        QCOMPARE(answer.value(QLatin1String("id")).toString().section(QLatin1Char(':'), 1).toInt(), i);
    }
    QTRY_COMPARE_WITH_TIMEOUT(eventsOf(*clientA, onA[0]).size(), 10, 10000);
    const QStringList reference = summary(eventsOf(*clientA, onA[0]));
    for (quint16 id : onA)
        QTRY_COMPARE_WITH_TIMEOUT(summary(eventsOf(*clientA, id)), reference, 10000);
    for (quint16 id : onB)
        QTRY_COMPARE_WITH_TIMEOUT(summary(eventsOf(*clientB, id)), reference, 10000);
    QVERIFY(reference.first().startsWith(QLatin1String("message ")));
    QVERIFY(reference.last().endsWith(QLatin1String(" m10")));

    // Resume on the other instance: left A after m3, comes back on B.
    const QByteArray afterThree = eventsOf(*clientA, onA[0]).at(2).lastEventId;
    const quint16 resumed = subscribe(*clientB, "room", afterThree);
    QTRY_COMPARE_WITH_TIMEOUT(summary(eventsOf(*clientB, resumed)), reference.mid(3), 10000);

    // A restarted instance resumes from the history kept in Redis.
    clientA.reset();
    ProcessFixture::stop(a);
    a = startInstance(addressA, &error);
    QVERIFY2(a, qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(backendUp(addressA), 10000);
    clientA = connect(addressA);
    QVERIFY(clientA);
    const quint16 afterRestart = subscribe(*clientA, "room", afterThree);
    QTRY_COMPARE_WITH_TIMEOUT(summary(eventsOf(*clientA, afterRestart)), reference.mid(3), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(addressA), 1, 10000);

    // Redis goes away: publishing is refused with the reason, nothing is silently lost.
    ProcessFixture::stop(m_redis);
    QTRY_VERIFY_WITH_TIMEOUT(!backendUp(addressB), 10000);
    const auto [downStatus, downAnswer] = publish(*clientB, "room", "lost?");
    QCOMPARE(downStatus, 503);
    QVERIFY2(downAnswer.value(QLatin1String("error")).toString().contains(QLatin1String("Redis")),
             qPrintable(downAnswer.value(QLatin1String("error")).toString()));
    // It comes back empty (no persistence here): the instances reconnect by themselves, and the
    // channel's next life starts with a reset for the subscribers that stood in the old one.
    QVERIFY2(startRedis(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(backendUp(addressA) && backendUp(addressB), 15000);
    const auto [upStatus, upAnswer] = publish(*clientB, "room", "after");
    QCOMPARE(upStatus, 200);
    QTRY_VERIFY_WITH_TIMEOUT(summary(eventsOf(*clientA, afterRestart)).size() >= 9, 10000);
    const QStringList tail = summary(eventsOf(*clientA, afterRestart)).mid(7);
    QVERIFY2(tail.first().startsWith(QLatin1String("reset ")), qPrintable(tail.join(QLatin1String(" | "))));
    QVERIFY2(tail.last().endsWith(QLatin1String(" after")), qPrintable(tail.join(QLatin1String(" | "))));
}

QTEST_GUILESS_MAIN(tst_E2eHubRedis)
#include "tst_e2e_hubredis.moc"
