#include <afcgi/handler.h>
#include <afcgi/router.h>

#include "engine/requestpath.h"
#include "engine/routerprivate.h"

#include <QRegularExpression>
#include <QTest>

#include <memory>

using namespace afcgi;

namespace {

// A handler that only carries a name, so a test can tell which mount answered.
class NamedHandler final : public Handler
{
public:
    explicit NamedHandler(const QString &name) : m_name(name) {}
    void handle(Request *) override {}
    QString name() const { return m_name; }

private:
    QString m_name;
};

const QString kNone = QStringLiteral("<none>");
const QString kFallback = QStringLiteral("<fallback>");

// Mounts each prefix on a handler named after the prefix exactly as given.
std::unique_ptr<Router> makeRouter(const QStringList &mounts, bool withFallback)
{
    auto router = std::make_unique<Router>();
    for (const QString &prefix : mounts)
        router->mount(prefix, std::make_shared<NamedHandler>(prefix));
    if (withFallback)
        router->setFallback(std::make_shared<NamedHandler>(kFallback));
    return router;
}

QString nameOf(const Handler *handler)
{
    return handler ? static_cast<const NamedHandler *>(handler)->name() : kNone;
}

// What answers `method` on `path` (decoded), as the engine resolves it.
RouteResolution resolve(const Router &router, const QString &path, QByteArrayView method = "GET")
{
    RouteResolution resolution;
    RouterPrivate::get(router)->resolve(path, 0, method, resolution);
    return resolution;
}

Handler *routeTo(const Router &router, const QString &path)
{
    return resolve(router, path).handler;
}

} // namespace

class tst_Router : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void route_data();
    void route();
    void remountSamePrefixKeepsFirst();
    void decodeRequestPath_data();
    void decodeRequestPath();
    void routeDecodedPath_data();
    void routeDecodedPath();
};

void tst_Router::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_Router::route_data()
{
    QTest::addColumn<QStringList>("mounts");
    QTest::addColumn<bool>("withFallback");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");

    const QStringList echo{QStringLiteral("/echo")};
    // Whole-segment matching.
    QTest::newRow("exact-prefix") << echo << true << "/echo" << "/echo";
    QTest::newRow("sub-path") << echo << true << "/echo/x" << "/echo";
    QTest::newRow("deep-sub-path") << echo << true << "/echo/x/y/z" << "/echo";
    QTest::newRow("path-with-trailing-slash") << echo << true << "/echo/" << "/echo";
    QTest::newRow("longer-segment-is-not-a-match") << echo << true << "/echoes" << kFallback;
    QTest::newRow("longer-segment-without-fallback") << echo << false << "/echoes" << kNone;
    QTest::newRow("shorter-path-is-not-a-match") << echo << true << "/ech" << kFallback;
    QTest::newRow("case-sensitive") << echo << true << "/Echo" << kFallback;
    QTest::newRow("prefix-must-be-at-start") << echo << true << "/x/echo" << kFallback;
    QTest::newRow("empty-path") << echo << true << "" << kFallback;
    QTest::newRow("double-slash-is-not-normalised") << echo << true << "//echo" << kFallback;

    // Longest prefix wins, whatever the mount order.
    const QStringList api{QStringLiteral("/api"), QStringLiteral("/api/v2")};
    const QStringList apiReversed{QStringLiteral("/api/v2"), QStringLiteral("/api")};
    QTest::newRow("longest-prefix-wins") << api << true << "/api/v2/users" << "/api/v2";
    QTest::newRow("longest-prefix-wins-reverse-mount-order")
        << apiReversed << true << "/api/v2/users" << "/api/v2";
    QTest::newRow("longest-prefix-exact") << api << true << "/api/v2" << "/api/v2";
    QTest::newRow("shorter-prefix-when-longer-segment-differs")
        << api << true << "/api/v20" << "/api";
    QTest::newRow("shorter-prefix-for-sibling") << apiReversed << true << "/api/v1/x" << "/api";
    QTest::newRow("three-levels")
        << QStringList{"/a", "/a/b/c", "/a/b"} << true << "/a/b/c/d" << "/a/b/c";
    QTest::newRow("three-levels-middle")
        << QStringList{"/a", "/a/b/c", "/a/b"} << true << "/a/b/x" << "/a/b";

    // "/" catches everything the longer mounts do not.
    const QStringList rootAndEcho{QStringLiteral("/"), QStringLiteral("/echo")};
    QTest::newRow("root-catches-other-paths") << rootAndEcho << true << "/other" << "/";
    QTest::newRow("root-catches-root") << rootAndEcho << true << "/" << "/";
    QTest::newRow("root-catches-near-miss") << rootAndEcho << true << "/echoes" << "/";
    QTest::newRow("root-does-not-shadow-longer-mount") << rootAndEcho << true << "/echo/x" << "/echo";
    QTest::newRow("root-beats-fallback") << QStringList{"/"} << true << "/anything" << "/";
    QTest::newRow("root-catches-empty-path") << QStringList{"/"} << false << "" << "/";

    // Fallback.
    QTest::newRow("fallback-only") << QStringList() << true << "/x" << kFallback;
    QTest::newRow("nothing-at-all") << QStringList() << false << "/x" << kNone;
    QTest::newRow("no-match-no-fallback") << echo << false << "/status" << kNone;

    // A trailing slash in the mount is ignored.
    const QStringList echoSlash{QStringLiteral("/echo/")};
    QTest::newRow("mount-trailing-slash-exact") << echoSlash << true << "/echo" << "/echo/";
    QTest::newRow("mount-trailing-slash-sub-path") << echoSlash << true << "/echo/x" << "/echo/";
    QTest::newRow("mount-trailing-slash-longer-segment") << echoSlash << true << "/echoes" << kFallback;
    QTest::newRow("mount-several-trailing-slashes")
        << QStringList{"/echo//"} << true << "/echo/x" << "/echo//";
    QTest::newRow("mount-trailing-slash-still-longest")
        << QStringList{"/api/", "/api/v2/"} << true << "/api/v2/x" << "/api/v2/";
    QTest::newRow("mount-double-slash-is-root") << QStringList{"//"} << false << "/x" << "//";
}

void tst_Router::route()
{
    QFETCH(QStringList, mounts);
    QFETCH(bool, withFallback);
    QFETCH(QString, path);
    QFETCH(QString, expected);

    const auto router = makeRouter(mounts, withFallback);
    QCOMPARE(nameOf(routeTo(*router, path)), expected);
}

void tst_Router::remountSamePrefixKeepsFirst()
{
    // Mounts are not replaced: the first of equal prefixes stays, the second is refused.
    Router router;
    auto first = std::make_shared<NamedHandler>(QStringLiteral("first"));
    auto second = std::make_shared<NamedHandler>(QStringLiteral("second"));
    QVERIFY(router.mount(QStringLiteral("/echo"), first));
    QTest::ignoreMessage(QtWarningMsg, "mount /echo refused: already taken");
    QVERIFY(!router.mount(QStringLiteral("/echo/"), second));
    QCOMPARE(routeTo(router, QStringLiteral("/echo/x")), first.get());
}

void tst_Router::decodeRequestPath_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QString>("path");

    QTest::newRow("plain") << QByteArray("/echo") << QStringLiteral("/echo");
    QTest::newRow("empty") << QByteArray() << QString();
    QTest::newRow("root") << QByteArray("/") << QStringLiteral("/");
    // The query is removed.
    QTest::newRow("query-removed") << QByteArray("/echo?x=1&y=2") << QStringLiteral("/echo");
    QTest::newRow("empty-query-removed") << QByteArray("/echo?") << QStringLiteral("/echo");
    QTest::newRow("only-a-query") << QByteArray("?x=1") << QString();
    QTest::newRow("second-question-mark-is-query") << QByteArray("/a?b?c") << QStringLiteral("/a");
    QTest::newRow("percent-in-query-ignored") << QByteArray("/a?%zz") << QStringLiteral("/a");
    // Percent-decoding, once.
    QTest::newRow("space") << QByteArray("/a%20b") << QStringLiteral("/a b");
    QTest::newRow("plus-stays-plus") << QByteArray("/a+b") << QStringLiteral("/a+b");
    QTest::newRow("encoded-slash-upper") << QByteArray("/echo%2Fx") << QStringLiteral("/echo/x");
    QTest::newRow("encoded-slash-lower") << QByteArray("/echo%2fx") << QStringLiteral("/echo/x");
    QTest::newRow("encoded-question-mark-stays-in-path")
        << QByteArray("/a%3Fb?c") << QStringLiteral("/a?b");
    QTest::newRow("encoded-percent") << QByteArray("/100%25") << QStringLiteral("/100%");
    QTest::newRow("decoded-only-once") << QByteArray("/a%252F") << QStringLiteral("/a%2F");
    // UTF-8.
    QTest::newRow("utf8-percent-encoded")
        << QByteArray("/caf%C3%A9") << QStringLiteral("/caf\u00e9");
    QTest::newRow("utf8-raw-bytes") << QByteArray("/caf\xc3\xa9") << QStringLiteral("/caf\u00e9");
    QTest::newRow("utf8-four-byte")
        << QByteArray("/%F0%9F%98%80") << QString::fromUtf8("/\xF0\x9F\x98\x80");
    QTest::newRow("invalid-utf8-becomes-replacement")
        << QByteArray("/%FF") << QStringLiteral("/\ufffd");
    // Dot segments, resolved after decoding and never above the root.
    QTest::newRow("dot-dot-climbs-one") << QByteArray("/a/b/../c") << QStringLiteral("/a/c");
    QTest::newRow("dot-is-dropped") << QByteArray("/a/./b") << QStringLiteral("/a/b");
    QTest::newRow("dot-dot-at-end-names-directory") << QByteArray("/a/b/..") << QStringLiteral("/a/");
    QTest::newRow("dot-at-end-names-directory") << QByteArray("/a/.") << QStringLiteral("/a/");
    QTest::newRow("dot-dot-stops-at-root") << QByteArray("/../../etc") << QStringLiteral("/etc");
    QTest::newRow("only-dot-dot") << QByteArray("/..") << QStringLiteral("/");
    QTest::newRow("encoded-dot-dot") << QByteArray("/a/%2e%2E/b") << QStringLiteral("/b");
    QTest::newRow("encoded-slash-dot-dot") << QByteArray("/a%2F..%2Fb") << QStringLiteral("/b");
    QTest::newRow("three-dots-is-a-name") << QByteArray("/a/.../b") << QStringLiteral("/a/.../b");
    QTest::newRow("dotted-names-stay") << QByteArray("/a/.hidden/..b") << QStringLiteral("/a/.hidden/..b");
    QTest::newRow("dot-dot-in-query-ignored") << QByteArray("/a?x=/../b") << QStringLiteral("/a");
}

void tst_Router::decodeRequestPath()
{
    QFETCH(QByteArray, uri);
    QFETCH(QString, path);
    QCOMPARE(afcgi::decodeRequestPath(uri), path);
}

void tst_Router::routeDecodedPath_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QString>("expected");

    QTest::newRow("query-does-not-affect-routing") << QByteArray("/echo?x=/status") << "/echo";
    QTest::newRow("query-right-after-prefix") << QByteArray("/echoes?") << kFallback;
    QTest::newRow("encoded-slash-splits-segment") << QByteArray("/echo%2Fx") << "/echo";
    QTest::newRow("encoded-letters-match") << QByteArray("/%65cho") << "/echo";
    QTest::newRow("utf8-mount") << QByteArray("/caf%C3%A9/menu") << "/caf\u00e9";
    // A prefix cannot be escaped, nor reached by a detour.
    QTest::newRow("dot-dot-leaves-a-mount") << QByteArray("/echo/../status") << "/status";
    QTest::newRow("encoded-dot-dot-leaves-a-mount") << QByteArray("/echo/%2E%2E/status") << "/status";
    QTest::newRow("detour-into-a-mount") << QByteArray("/x/../echo/y") << "/echo";
    QTest::newRow("dot-dot-to-root") << QByteArray("/echo/..") << kFallback;
}

void tst_Router::routeDecodedPath()
{
    QFETCH(QByteArray, uri);
    QFETCH(QString, expected);

    const auto router = makeRouter({QStringLiteral("/echo"), QStringLiteral("/status"),
                                    QStringLiteral("/caf\u00e9")},
                                   true);
    QCOMPARE(nameOf(routeTo(*router, afcgi::decodeRequestPath(uri))), expected);
}

QTEST_GUILESS_MAIN(tst_Router)
#include "tst_router.moc"
