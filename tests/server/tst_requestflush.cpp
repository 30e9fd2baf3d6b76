// Request::flush(): a request alone on its connection hands its output to the web server at
// once, while its handler is still running; without it, or on a connection that other requests
// share, the output of one turn leaves together at the turn's end.
// Expected engine warnings: none (see enginetestsupport.h for the policy).
#include <afcgi/handler.h>
#include <afcgi/request.h>
#include "enginetestcase.h"

#include <QSemaphore>
#include <QTest>

#include <memory>

using namespace afcgi;
using namespace enginetest;

namespace {

// Writes "first", flushes when asked (?flush=1), then holds its worker thread until the test
// has looked for "first" (at most 5 s), then writes "second" and ends.
class StallHandler final : public Handler
{
public:
    explicit StallHandler(std::shared_ptr<QSemaphore> gate) : m_gate(std::move(gate)) {}
    void handle(Request *request) override
    {
        request->setHeader("Content-Type", "text/plain");
        request->write("first\n");
        if (request->queryValue("flush") == "1")
            request->flush();
        (void)m_gate->tryAcquire(1, 5000);
        request->write("second\n");
        request->end();
    }

private:
    std::shared_ptr<QSemaphore> m_gate;
};

} // namespace

class tst_RequestFlush : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void bytesLeaveBeforeTheTurnEnds_data();
    void bytesLeaveBeforeTheTurnEnds();
};

void tst_RequestFlush::bytesLeaveBeforeTheTurnEnds_data()
{
    QTest::addColumn<bool>("flush");
    QTest::addColumn<bool>("shared"); // another request is in flight on the same connection
    QTest::addColumn<bool>("early");  // "first" arrives while the handler still runs
    QTest::newRow("alone, flushed") << true << false << true;
    QTest::newRow("alone, not flushed") << false << false << false;
    QTest::newRow("shared connection, flushed") << true << true << false;
}

void tst_RequestFlush::bytesLeaveBeforeTheTurnEnds()
{
    QFETCH(bool, flush);
    QFETCH(bool, shared);
    QFETCH(bool, early);
    ServerConfig config = defaultConfig();
    config.threads = 1;
    TestServer server(QStringLiteral("tcp"), config);
    auto gate = std::make_shared<QSemaphore>();
    server.engine().router().mount(QStringLiteral("/stall"), std::make_shared<StallHandler>(gate));
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    quint16 other = 0;
    if (shared) {
        other = sendGet(*client, "/delay?ms=200");
        QTRY_COMPARE(snapshot(server.engine()).requests.size(), 1);
    }

    const quint16 id = sendGet(*client, flush ? "/stall?flush=1" : "/stall?flush=0");
    // Where the bytes wait for the turn's end, a short look is enough to see them not come.
    const bool arrived = waitFor([&] { return client->response(id).out.contains("first"); },
                                 early ? 5000 : 300);
    gate->release();
    QCOMPARE(arrived, early);
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->body, QByteArray("first\nsecond\n"));
    if (shared)
        QVERIFY(waitEnded(*client, other));
}

QTEST_GUILESS_MAIN(tst_RequestFlush)
#include "tst_requestflush.moc"
