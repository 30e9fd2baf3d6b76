// Routes through the engine: path parameters, 405 with Allow, HEAD from GET, mounted routers,
// middleware order and early answers, and exceptions from handlers and hooks becoming 500s
// while the connection and its other requests carry on.
#include "enginetestcase.h"

#include <afcgi/request.h>
#include <afcgi/router.h>

#include <QJsonArray>
#include <QMutex>
#include <QTest>

#include <atomic>
#include <stdexcept>

using namespace afcgi;
using namespace enginetest;

namespace {
// What the hooks and handlers of one test did, in order (they run on worker threads).
class Trace
{
public:
    void add(const QString &step)
    {
        QMutexLocker lock(&m_mutex);
        m_steps.append(step);
    }
    QStringList steps() const
    {
        QMutexLocker lock(&m_mutex);
        return m_steps;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_steps;
};

std::optional<CgiResponse> fetch(FcgiClient &client, QByteArrayView method, QByteArrayView uri,
                                 const NameValueList &extra = {})
{
    const quint16 id = sendRequest(client, method, uri, extra);
    if (!waitEnded(client, id))
        return std::nullopt;
    return parse(client.takeResponse(id));
}

void addItemRoutes(Router &router)
{
    router.get(QStringLiteral("/items/{id:int}"), [](Request *r) {
        r->respond(200, "text/plain", "item " + r->pathParam(u"id").toUtf8());
    });
    router.put(QStringLiteral("/items/{id:int}"), [](Request *r) { r->respond(204, {}, {}); });
    router.get(QStringLiteral("/items/{id:int}/files/{path*}"), [](Request *r) {
        r->respond(200, "text/plain", r->pathParam(u"id").toUtf8() + ':' + r->pathParam(u"path").toUtf8());
    });
    router.get(QStringLiteral("/items/new"), [](Request *r) { r->respond(200, "text/plain", "form"); });
}
} // namespace

class tst_EngineRouting : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void routes_data();
    void routes();
    void methodNotAllowedListsAllow();
    void headAnsweredByGetWithoutBody();
    void mountedRouterAndPrefixMountsTogether();
    void middlewareRunsInOrder();
    void middlewareAnswersEarly();
    void hooksSeeRequestsNoRouteTakes();
    void exceptionsBecome500_data();
    void exceptionsBecome500();
    void releasedParamsKeepMethodUriAndPath();
    void attachmentLivesAsLongAsItsRequest();
    void routesAreListed();
    void statusFullListsRoutes();
};

void tst_EngineRouting::routes_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("int-param") << QByteArray("/items/42") << 200 << QByteArray("item 42");
    QTest::newRow("query-ignored") << QByteArray("/items/42?x=/items/7") << 200 << QByteArray("item 42");
    QTest::newRow("literal-beats-param") << QByteArray("/items/new") << 200 << QByteArray("form");
    QTest::newRow("not-an-int") << QByteArray("/items/abc") << 404 << QByteArray("Not found\n");
    QTest::newRow("rest-param-decoded") << QByteArray("/items/7/files/a%20b/c.txt") << 200 << QByteArray("7:a b/c.txt");
    QTest::newRow("built-in-mount-still-there") << QByteArray("/hello") << 200 << QByteArray("Hello world\n");
}

void tst_EngineRouting::routes()
{
    QFETCH(QByteArray, uri);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    TestServer server(QStringLiteral("tcp"));
    addItemRoutes(server.engine().router());
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const auto response = fetch(*client, "GET", uri);
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->body, body);
}

void tst_EngineRouting::methodNotAllowedListsAllow()
{
    TestServer server(QStringLiteral("tcp"));
    addItemRoutes(server.engine().router());
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const auto response = fetch(*client, "DELETE", "/items/42");
    QVERIFY(response);
    QCOMPARE(response->status, 405);
    QCOMPARE(response->header("Allow"), QByteArray("GET, HEAD, PUT"));
    QCOMPARE(response->body, QByteArray("Method not allowed\n"));
}

void tst_EngineRouting::headAnsweredByGetWithoutBody()
{
    TestServer server(QStringLiteral("tcp"));
    addItemRoutes(server.engine().router());
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendRequest(*client, "HEAD", "/items/42");
    QVERIFY(waitEnded(*client, id));
    const FcgiClient::Response raw = client->takeResponse(id);
    QCOMPARE(raw.appStatus, 0u);
    const auto response = parse(raw);
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("Content-Length"), QByteArray("7")); // what GET would send
    QCOMPARE(response->body, QByteArray());
}

void tst_EngineRouting::mountedRouterAndPrefixMountsTogether()
{
    TestServer server(QStringLiteral("tcp"));
    auto api = std::make_shared<Router>();
    addItemRoutes(*api);
    api->get(QStringLiteral("/"), [](Request *r) { r->respond(200, "text/plain", "api root"); });
    auto users = std::make_shared<Router>();
    users->get(QStringLiteral("/{name}"), [](Request *r) {
        r->respond(200, "text/plain", "user " + r->pathParam(u"name").toUtf8() + " of " + r->pathParam(u"org").toUtf8());
    });
    api->mount(QStringLiteral("/orgs/{org}/users"), users);
    QVERIFY(server.engine().router().mount(QStringLiteral("/api/v1"), api));
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const QList<QPair<QByteArray, QByteArray>> cases{
        {"/api/v1/items/5", "item 5"},
        {"/api/v1", "api root"},
        {"/api/v1/", "api root"},
        {"/api/v1/orgs/acme/users/bob", "user bob of acme"},
        {"/api/v1/nothing", "Not found\n"}, // the root's fallback, inherited
        {"/echo/x", ""},                    // a prefix mount beside it
    };
    for (const auto &c : cases) {
        const auto response = fetch(*client, "GET", c.first);
        QVERIFY(response);
        QCOMPARE(response->body, c.second);
    }
}

void tst_EngineRouting::middlewareRunsInOrder()
{
    TestServer server(QStringLiteral("tcp"));
    auto trace = std::make_shared<Trace>();
    Router &root = server.engine().router();
    root.before([trace](Request *r) {
        trace->add(QStringLiteral("root before 1"));
        r->setHeader("X-Request-Id", QByteArray::number(r->id()));
    });
    root.before([trace](Request *) { trace->add(QStringLiteral("root before 2")); });
    root.after([trace](Request *r) {
        trace->add(QStringLiteral("root after %1 %2").arg(r->status()).arg(r->bytesWritten()));
    });
    auto api = std::make_shared<Router>();
    api->before([trace](Request *) { trace->add(QStringLiteral("api before")); });
    api->after([trace](Request *) { trace->add(QStringLiteral("api after")); });
    api->get(QStringLiteral("/x"), [trace](Request *r) {
        trace->add(QStringLiteral("handler"));
        r->respond(201, "text/plain", "made");
    });
    root.mount(QStringLiteral("/api"), api);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const auto response = fetch(*client, "GET", "/api/x");
    QVERIFY(response);
    QCOMPARE(response->status, 201);
    QVERIFY(!response->header("X-Request-Id").isEmpty());
    QCOMPARE(trace->steps(), (QStringList{"root before 1", "root before 2", "api before", "handler",
                                          "api after", "root after 201 4"}));

    // A request outside the mounted router sees only the root's hooks.
    const auto other = fetch(*client, "GET", "/hello");
    QVERIFY(other);
    QCOMPARE(trace->steps().mid(6), (QStringList{"root before 1", "root before 2", "root after 200 12"}));
}

void tst_EngineRouting::middlewareAnswersEarly()
{
    TestServer server(QStringLiteral("tcp"));
    auto trace = std::make_shared<Trace>();
    auto admin = std::make_shared<Router>();
    admin->before([trace](Request *r) {
        if (r->paramView("HTTP_AUTHORIZATION") != QByteArrayView("Bearer good")) {
            trace->add(QStringLiteral("refused"));
            r->setHeader("WWW-Authenticate", "Bearer");
            r->respond(401, "text/plain", "who are you?\n");
        }
    });
    admin->before([trace](Request *) { trace->add(QStringLiteral("second hook")); });
    admin->after([trace](Request *r) { trace->add(QStringLiteral("after %1").arg(r->status())); });
    admin->get(QStringLiteral("/panel"), [trace](Request *r) {
        trace->add(QStringLiteral("handler"));
        r->respond(200, "text/plain", "welcome");
    });
    server.engine().router().mount(QStringLiteral("/admin"), admin);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const auto refused = fetch(*client, "GET", "/admin/panel");
    QVERIFY(refused);
    QCOMPARE(refused->status, 401);
    QCOMPARE(refused->header("WWW-Authenticate"), QByteArray("Bearer"));
    QCOMPARE(trace->steps(), (QStringList{"refused", "after 401"}));

    const auto welcome = fetch(*client, "GET", "/admin/panel", {{"HTTP_AUTHORIZATION", "Bearer good"}});
    QVERIFY(welcome);
    QCOMPARE(welcome->status, 200);
    QCOMPARE(trace->steps().mid(2), (QStringList{"second hook", "handler", "after 200"}));
}

void tst_EngineRouting::hooksSeeRequestsNoRouteTakes()
{
    // A CORS preflight: OPTIONS on a path that has only a GET route is answered by the hook,
    // before the 405; a path with no route at all reaches the hook too.
    TestServer server(QStringLiteral("tcp"));
    auto api = std::make_shared<Router>();
    api->before([](Request *r) {
        r->setHeader("Access-Control-Allow-Origin", "*");
        if (r->method() == "OPTIONS") {
            r->setHeader("Access-Control-Allow-Methods", "GET, POST");
            r->respond(204, {}, {});
        }
    });
    api->get(QStringLiteral("/data"), [](Request *r) { r->respond(200, "text/plain", "data"); });
    server.engine().router().mount(QStringLiteral("/api"), api);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const auto preflight = fetch(*client, "OPTIONS", "/api/data");
    QVERIFY(preflight);
    QCOMPARE(preflight->status, 204);
    QCOMPARE(preflight->header("Access-Control-Allow-Methods"), QByteArray("GET, POST"));
    const auto wrongMethod = fetch(*client, "POST", "/api/data");
    QVERIFY(wrongMethod);
    QCOMPARE(wrongMethod->status, 405);
    QCOMPARE(wrongMethod->header("Access-Control-Allow-Origin"), QByteArray("*"));
    const auto missing = fetch(*client, "GET", "/api/missing");
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);
    QCOMPARE(missing->header("Access-Control-Allow-Origin"), QByteArray("*"));
}

void tst_EngineRouting::releasedParamsKeepMethodUriAndPath()
{
    TestServer server(QStringLiteral("tcp"));
    server.engine().router().get(QStringLiteral("/items/{id:int}"), [](Request *r) {
        r->releaseParams();
        const QList<QByteArray> seen = {r->method(), r->requestUri(), r->path().toUtf8(),
                                        r->pathParam(u"id").toUtf8(), r->param("QUERY_STRING"),
                                        r->param("HTTP_X_EXTRA"), r->queryValue("x")};
        r->respond(200, "text/plain", seen.join('|'));
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const auto response = fetch(*client, "GET", "/items/7?x=1", {{"HTTP_X_EXTRA", "yes"}});
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    // Method, URI (and the query in it), path and path parameters stay; the rest is gone.
    QCOMPARE(response->body, QByteArray("GET|/items/7?x=1|/items/7|7|||1"));
}

void tst_EngineRouting::attachmentLivesAsLongAsItsRequest()
{
    // Counts destructions; the handler runs on a worker thread.
    struct Counted final : Request::Attachment
    {
        explicit Counted(std::atomic<int> *destroyed) : destroyed(destroyed) {}
        ~Counted() override { destroyed->fetch_add(1); }
        std::atomic<int> *destroyed;
    };
    static std::atomic<int> destroyed;
    static std::atomic<bool> handled;
    destroyed = 0;
    handled = false;
    TestServer server(QStringLiteral("tcp"));
    server.engine().router().get(QStringLiteral("/wait"), [](Request *r) {
        r->setAttachment(std::make_unique<Counted>(&destroyed));
        r->setAttachment(std::make_unique<Counted>(&destroyed)); // the first one goes now
        handled = true;                                            // and nothing is answered
    });
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendRequest(*client, "GET", "/wait");
    QTRY_VERIFY(handled.load());
    QCOMPARE(destroyed.load(), 1);
    // The web server gives up on it: the request ends, and its attachment goes with it.
    client->abortRequest(id);
    QVERIFY(waitEnded(*client, id));
    QTRY_COMPARE(destroyed.load(), 2);
}

void tst_EngineRouting::exceptionsBecome500_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<int>("status");
    QTest::addColumn<quint32>("appStatus");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("logged");
    QTest::newRow("before-any-output") << QByteArray("/throw/early") << 500 << 0u
                                       << QByteArray("Internal server error\n") << "threw in the handler : early";
    QTest::newRow("after-the-headers") << QByteArray("/throw/late") << 200 << 1u << QByteArray("partial")
                                       << "threw in the handler : late";
    QTest::newRow("not-a-std-exception") << QByteArray("/throw/int") << 500 << 0u
                                         << QByteArray("Internal server error\n")
                                         << "threw in the handler : an exception not derived from std::exception";
    QTest::newRow("in-a-before-hook") << QByteArray("/throw/hook") << 500 << 0u
                                      << QByteArray("Internal server error\n") << "threw in a before\\(\\) hook : hook";
}

void tst_EngineRouting::exceptionsBecome500()
{
    QFETCH(QByteArray, uri);
    QFETCH(int, status);
    QFETCH(quint32, appStatus);
    QFETCH(QByteArray, body);
    QFETCH(QString, logged);
    TestServer server(QStringLiteral("tcp"));
    auto throwing = std::make_shared<Router>();
    throwing->before([](Request *r) {
        if (r->path() == QLatin1String("/throw/hook"))
            throw std::runtime_error("hook");
    });
    throwing->get(QStringLiteral("/early"), [](Request *r) {
        r->setHeader("X-Set-Before-Throwing", "yes");
        throw std::runtime_error("early");
    });
    throwing->get(QStringLiteral("/late"), [](Request *r) {
        r->setStatus(200);
        r->write("partial");
        throw std::logic_error("late");
    });
    throwing->get(QStringLiteral("/int"), [](Request *) { throw 42; });
    throwing->get(QStringLiteral("/hook"), [](Request *r) { r->respond(200, {}, "not reached"); });
    server.engine().router().mount(QStringLiteral("/throw"), throwing);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    EngineLog::expect(QRegularExpression(QStringLiteral("conn \\d+ request \\d+ GET %1 %2")
                                             .arg(QRegularExpression::escape(QString::fromLatin1(uri)), logged)));

    // A slow request in flight on the same connection, and one after: both carry on.
    const quint16 slow = sendGet(*client, "/delay?ms=200");
    const quint16 id = sendGet(*client, uri);
    QVERIFY(waitEnded(*client, id));
    const FcgiClient::Response raw = client->takeResponse(id);
    QCOMPARE(raw.appStatus, appStatus);
    const auto response = parse(raw);
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->body, body);
    QVERIFY(response->header("X-Set-Before-Throwing").isEmpty());
    const auto after = fetch(*client, "GET", "/hello");
    QVERIFY(after);
    QCOMPARE(after->status, 200);
    QVERIFY(waitEnded(*client, slow));
    QCOMPARE(parse(client->takeResponse(slow))->status, 200);
}

void tst_EngineRouting::routesAreListed()
{
    Router root;
    root.get(QStringLiteral("/notes"), [](Request *) {});
    root.post(QStringLiteral("/notes/"), [](Request *) {});
    auto api = std::make_shared<Router>();
    api->any(QStringLiteral("/x/{id:int}"), [](Request *) {});
    api->mount(QStringLiteral("/files"), [](Request *) {});
    root.mount(QStringLiteral("/api"), api);
    root.del(QStringLiteral("/notes/{id}"), [](Request *) {});
    const QList<RouteInfo> routes = root.routes();
    QStringList listed;
    for (const RouteInfo &route : routes)
        listed.append(QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern);
    QCOMPARE(listed, (QStringList{"GET /notes", "POST /notes", "* /api/x/{id:int}", " /api/files",
                                  "DELETE /notes/{id}"}));
}

void tst_EngineRouting::statusFullListsRoutes()
{
    TestServer server(QStringLiteral("tcp"));
    addItemRoutes(server.engine().router());
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const QJsonArray routes = fetchStatus(*client, "/status?full=1")[QLatin1String("routes")].toArray();
    QStringList listed;
    for (const QJsonValue &route : routes)
        listed.append(route[QLatin1String("method")].toString() + QLatin1Char(' ') + route[QLatin1String("pattern")].toString());
    QVERIFY2(listed.contains(QStringLiteral(" /hello")), qPrintable(listed.join(QLatin1Char(','))));
    QVERIFY(listed.contains(QStringLiteral("GET /items/{id:int}/files/{path*}")));
    QVERIFY(listed.contains(QStringLiteral("PUT /items/{id:int}")));
    QVERIFY(!fetchStatus(*client, "/status").contains(QLatin1String("routes")));
}

QTEST_GUILESS_MAIN(tst_EngineRouting)
#include "tst_engine_routing.moc"
