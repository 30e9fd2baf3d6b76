// End to end through a real HAProxy: curl -> HAProxy's fcgi-app (resources/haproxy/afcgi.cfg:
// keep-conn, mpxs-conns, max-reqs, get-values, http-reuse always) -> afcgid. HAProxy is the front
// end that multiplexes: requests from many HTTP clients share few FastCGI connections.
//
// Client disconnects: while the request body is still being sent, HAProxy sends
// FCGI_ABORT_REQUEST. Once it has sent the whole request (the empty STDIN record) it never does:
// it forgets the stream and drops whatever afcgid answers later, so a client that leaves while
// it waits for a /delay is not noticed by afcgid, which finishes the request. A client that leaves
// while /stream lines flow makes HAProxy close the FastCGI connection, when no other request
// shares it (as here).

#include "frontendtest.h"

#include <QJsonArray>
#include <QMap>
#include <QtTest>

using namespace e2e;

namespace {

constexpr int kBurst = 50;
constexpr int kBurstDelayMs = 2000;

// The /delay requests in flight in a /status?full=1 answer, counted per FastCGI connection.
QMap<qint64, int> delaysPerConnection(const QJsonObject &status)
{
    QMap<qint64, int> perConnection;
    const QJsonArray active = status.value(QStringLiteral("active_requests")).toArray();
    for (const QJsonValue &request : active) {
        const QJsonObject r = request.toObject();
        if (r.value(QStringLiteral("uri")).toString().startsWith(QLatin1String("/delay")))
            ++perConnection[r.value(QStringLiteral("connection_id")).toInteger()];
    }
    return perConnection;
}

int total(const QMap<qint64, int> &perConnection)
{
    int sum = 0;
    for (int n : perConnection)
        sum += n;
    return sum;
}

QByteArray describe(const QMap<qint64, int> &perConnection)
{
    QByteArray text = QByteArray::number(perConnection.size()) + " connections:";
    for (auto it = perConnection.cbegin(); it != perConnection.cend(); ++it)
        text += " #" + QByteArray::number(it.key()) + "=" + QByteArray::number(it.value());
    return text;
}

} // namespace

class tst_E2eHaproxy : public FrontEndTest
{
    Q_OBJECT
public:
    tst_E2eHaproxy()
        : FrontEndTest({FrontEnd::Haproxy,
                        {QStringLiteral("tcp")},
                        {Disconnect::Waiting, Disconnect::Streaming, Disconnect::Uploading},
                        {Disconnect::Streaming, Disconnect::Uploading}})
    {
    }

private Q_SLOTS:
    void multiplexesOnFewConnections();
    void burstBeyondFcgiMaxReqs();

private:
    // Sends kBurst slow requests at once from as many HTTP clients and checks that every one
    // gets its 200 (HAProxy fails the whole FastCGI connection on OVERLOADED or UNKNOWN_ROLE).
    // With `perConnection`, also waits until afcgid has all of them in flight and says how they
    // are spread over its FastCGI connections.
    void burst(QMap<qint64, int> *perConnection = nullptr);
};

void tst_E2eHaproxy::burst(QMap<qint64, int> *perConnection)
{
    const QStringList urls(kBurst, m_baseUrl + QStringLiteral("/delay?ms=%1").arg(kBurstDelayMs));
    // Time enough for all of them even if afcgid had to take them in two rounds.
    constexpr int kMaxTimeSeconds = 2 * kBurstDelayMs / 1000 + 6;
    const auto clients = ProcessFixture::startCurl(ProcessFixture::parallelCurlArguments(urls), kMaxTimeSeconds);
    // afcgid's own view, straight over FastCGI rather than through HAProxy.
    if (perConnection) {
        QTRY_VERIFY2_WITH_TIMEOUT(total(*perConnection = delaysPerConnection(afcgidStatus(true))) == kBurst,
                                  describe(*perConnection).constData(), kBurstDelayMs - 500);
    }
    QVERIFY(clients->waitForFinished(kMaxTimeSeconds * 1000 + 5000));
    // 000: no answer within the time limit.
    QCOMPARE(ProcessFixture::statusesOf(clients->readAllStandardOutput()), QList<int>(kBurst, 200));
}

void tst_E2eHaproxy::multiplexesOnFewConnections()
{
    QString error;
    QVERIFY2(startStack(QStringLiteral("tcp"), &error), qPrintable(error));
    QMap<qint64, int> perConnection;
    burst(&perConnection);
    if (QTest::currentTestFailed())
        return;
    int most = 0;
    for (int n : std::as_const(perConnection))
        most = qMax(most, n);
    qInfo("%d requests in flight on %s", kBurst, describe(perConnection).constData());
    QVERIFY2(perConnection.size() < kBurst / 2, describe(perConnection).constData());
    QVERIFY2(most >= 5, describe(perConnection).constData());
}

void tst_E2eHaproxy::burstBeyondFcgiMaxReqs()
{
    // afcgid announces FCGI_MAX_REQS=10, below the sample's `option max-reqs 100`. HAProxy
    // assigns streams to a new connection by max-reqs before the GET_VALUES_RESULT arrives, so a
    // burst puts more than 10 on it. afcgid must hold them until there is room, not answer
    // OVERLOADED: HAProxy treats that as fatal for the whole connection, and its clients get 5xx.
    // --request-queue lets the extra ones wait for a slot.
    QString error;
    QVERIFY2(startStack(QStringLiteral("tcp"), &error,
                        {QStringLiteral("--max-requests-per-conn"), QStringLiteral("10"),
                         QStringLiteral("--request-queue"), QStringLiteral("100")}),
             qPrintable(error));
    burst();
}

QTEST_GUILESS_MAIN(tst_E2eHaproxy)
#include "tst_e2e_haproxy.moc"
