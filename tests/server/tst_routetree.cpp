// RouteTree: which route, mount or 405 a method and a decoded path come to, and what the
// parameters capture.
#include "web/routetree.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

namespace {
// Entries "GET /notes/{id}", "* /x" (any method), "MOUNT /static"; each one's target is its index.
RouteTree build(const QStringList &entries)
{
    RouteTree tree;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QString method = entries[i].section(QLatin1Char(' '), 0, 0);
        const auto segments = RoutePatternParser::parse(entries[i].section(QLatin1Char(' '), 1));
        if (!segments)
            qFatal("bad pattern in test data: %s", qPrintable(entries[i]));
        if (method == QLatin1String("MOUNT"))
            tree.addMount(*segments, int(i));
        else
            tree.addRoute(*segments, method == QLatin1String("*") ? QByteArray() : method.toLatin1(), int(i));
    }
    return tree;
}

// "route 1 [12|abc] head", "mount 0 rest=/x", "405 GET, HEAD", "none".
QString describe(const RouteMatch &match, QStringView path)
{
    QStringList captures;
    for (int i = 0; i < match.captureCount; ++i)
        captures.append(path.sliced(match.captures[size_t(i)].start, match.captures[size_t(i)].length).toString());
    const QString params = captures.isEmpty() ? QString() : QStringLiteral(" [%1]").arg(captures.join(QLatin1Char('|')));
    switch (match.kind) {
    case RouteMatch::Kind::None: return QStringLiteral("none");
    case RouteMatch::Kind::Route:
        return QStringLiteral("route %1%2%3").arg(match.target).arg(params, match.headAsGet ? QStringLiteral(" head") : QString());
    case RouteMatch::Kind::Mount:
        return QStringLiteral("mount %1%2 rest=%3").arg(match.target).arg(params, path.sliced(match.mountEnd).toString());
    case RouteMatch::Kind::MethodNotAllowed: return QStringLiteral("405 ") + QString::fromLatin1(match.allow);
    }
    return {};
}
} // namespace

class tst_RouteTree : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void match_data();
    void match();
    void duplicatesRefused();
    void manySiblings();
};

void tst_RouteTree::match_data()
{
    QTest::addColumn<QStringList>("entries");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");

    const QStringList notes{"GET /notes", "POST /notes", "GET /notes/{id:int}", "PUT /notes/{id:int}",
                            "DELETE /notes/{id:int}", "GET /notes/new", "GET /notes/{slug}",
                            "GET /files/{path*}", "GET /"};
    QTest::newRow("root") << notes << QByteArray("GET") << "/" << "route 8";
    QTest::newRow("empty-path-is-root") << notes << QByteArray("GET") << "" << "route 8";
    QTest::newRow("literal") << notes << QByteArray("GET") << "/notes" << "route 0";
    QTest::newRow("literal-other-method") << notes << QByteArray("POST") << "/notes" << "route 1";
    QTest::newRow("trailing-slash-ignored") << notes << QByteArray("GET") << "/notes/" << "route 0";
    QTest::newRow("two-trailing-slashes-not") << notes << QByteArray("GET") << "/notes//" << "none";
    QTest::newRow("int-param") << notes << QByteArray("GET") << "/notes/42" << "route 2 [42]";
    QTest::newRow("negative-int") << notes << QByteArray("GET") << "/notes/-7" << "route 2 [-7]";
    QTest::newRow("int-param-put") << notes << QByteArray("PUT") << "/notes/42" << "route 3 [42]";
    QTest::newRow("literal-beats-param") << notes << QByteArray("GET") << "/notes/new" << "route 5";
    QTest::newRow("int-beats-plain-param") << notes << QByteArray("GET") << "/notes/7" << "route 2 [7]";
    QTest::newRow("plain-param-when-not-int") << notes << QByteArray("GET") << "/notes/abc" << "route 6 [abc]";
    QTest::newRow("too-long-for-int") << notes << QByteArray("GET") << "/notes/99999999999999999999"
                                      << "route 6 [99999999999999999999]";
    QTest::newRow("int-max") << notes << QByteArray("GET") << "/notes/9223372036854775807"
                             << "route 2 [9223372036854775807]";
    QTest::newRow("int-over-max") << notes << QByteArray("GET") << "/notes/9223372036854775808"
                                  << "route 6 [9223372036854775808]";
    QTest::newRow("only-minus-is-not-int") << notes << QByteArray("GET") << "/notes/-" << "route 6 [-]";
    QTest::newRow("405-lists-the-path's-methods")
        << notes << QByteArray("PATCH") << "/notes/42" << "405 GET, HEAD, PUT, DELETE";
    QTest::newRow("405-falls-back-through-param")
        << notes << QByteArray("DELETE") << "/notes/abc" << "405 GET, HEAD";
    QTest::newRow("405-merges-backtracked-nodes")
        << notes << QByteArray("POST") << "/notes/new" << "405 GET, HEAD";
    QTest::newRow("put-on-int-wins-over-405")
        << QStringList{"GET /n/new", "PUT /n/{id}"} << QByteArray("PUT") << "/n/new" << "route 1 [new]";
    QTest::newRow("head-from-get") << notes << QByteArray("HEAD") << "/notes/42" << "route 2 [42] head";
    QTest::newRow("head-route-beats-get")
        << QStringList{"GET /a", "HEAD /a"} << QByteArray("HEAD") << "/a" << "route 1";
    QTest::newRow("rest") << notes << QByteArray("GET") << "/files/a/b/c.txt" << "route 7 [a/b/c.txt]";
    QTest::newRow("rest-keeps-trailing-slash") << notes << QByteArray("GET") << "/files/a/b/" << "route 7 [a/b/]";
    QTest::newRow("rest-empty") << notes << QByteArray("GET") << "/files" << "route 7 []";
    QTest::newRow("rest-empty-with-slash") << notes << QByteArray("GET") << "/files/" << "route 7 []";
    QTest::newRow("rest-keeps-empty-segments") << notes << QByteArray("GET") << "/files//x" << "route 7 [/x]";
    QTest::newRow("no-match") << notes << QByteArray("GET") << "/nothing" << "none";
    QTest::newRow("too-deep") << notes << QByteArray("GET") << "/notes/42/x" << "none";
    QTest::newRow("empty-segment-is-no-param") << notes << QByteArray("GET") << "/notes//" << "none";
    QTest::newRow("case-sensitive") << notes << QByteArray("GET") << "/Notes" << "none";
    QTest::newRow("method-case-sensitive") << notes << QByteArray("get") << "/notes" << "405 GET, HEAD, POST";
    QTest::newRow("custom-method")
        << QStringList{"PROPFIND /dav/{p*}", "GET /dav/{p*}"} << QByteArray("PROPFIND") << "/dav/x" << "route 0 [x]";
    QTest::newRow("405-custom-method-after-usual")
        << QStringList{"PROPFIND /dav", "GET /dav"} << QByteArray("PUT") << "/dav" << "405 GET, HEAD, PROPFIND";

    // Any method.
    const QStringList any{"* /x", "POST /x"};
    QTest::newRow("any-takes-get") << any << QByteArray("GET") << "/x" << "route 0";
    QTest::newRow("own-method-beats-any") << any << QByteArray("POST") << "/x" << "route 1";
    QTest::newRow("any-takes-head-without-body-flag") << any << QByteArray("HEAD") << "/x" << "route 0";

    // Backtracking.
    const QStringList back{"GET /a/{x}/c", "GET /a/b/d", "GET /{y}/b/c/e"};
    QTest::newRow("param-after-literal-dead-end") << back << QByteArray("GET") << "/a/b/c" << "route 0 [b]";
    QTest::newRow("literal-path") << back << QByteArray("GET") << "/a/b/d" << "route 1";
    QTest::newRow("back-to-the-root-param") << back << QByteArray("GET") << "/a/b/c/e" << "route 2 [a]";

    // Mounts.
    const QStringList mounts{"MOUNT /", "MOUNT /static", "GET /static/special", "POST /login",
                             "MOUNT /users/{id:int}", "GET /{page*}"};
    QTest::newRow("mount-exact") << mounts << QByteArray("GET") << "/static" << "mount 1 rest=";
    QTest::newRow("mount-below") << mounts << QByteArray("POST") << "/static/a/b" << "mount 1 rest=/a/b";
    QTest::newRow("mount-trailing-slash") << mounts << QByteArray("GET") << "/static/" << "mount 1 rest=/";
    QTest::newRow("route-under-mount-wins") << mounts << QByteArray("GET") << "/static/special" << "route 2";
    QTest::newRow("mount-beats-rest-route") << mounts << QByteArray("GET") << "/static/x" << "mount 1 rest=/x";
    QTest::newRow("mount-takes-other-methods-of-route")
        << mounts << QByteArray("POST") << "/static/special" << "mount 1 rest=/special";
    QTest::newRow("rest-route-over-405") << mounts << QByteArray("GET") << "/login" << "route 5 [login]";
    QTest::newRow("root-mount-when-rest-route-has-no-method")
        << mounts << QByteArray("PUT") << "/login" << "mount 0 rest=/login";
    QTest::newRow("mount-with-param") << mounts << QByteArray("GET") << "/users/5/files" << "mount 4 [5] rest=/files";
    QTest::newRow("mount-param-must-be-int") << mounts << QByteArray("GET") << "/users/x" << "route 5 [users/x]";
    QTest::newRow("root-mount-takes-root") << QStringList{"MOUNT /"} << QByteArray("GET") << "/" << "mount 0 rest=";
    QTest::newRow("root-mount-takes-empty") << QStringList{"MOUNT /"} << QByteArray("GET") << "" << "mount 0 rest=";
    QTest::newRow("root-mount-takes-double-slash")
        << QStringList{"MOUNT /"} << QByteArray("GET") << "//echo" << "mount 0 rest=//echo";
    QTest::newRow("deepest-mount")
        << QStringList{"MOUNT /a", "MOUNT /a/b/c", "MOUNT /a/b"} << QByteArray("GET") << "/a/b/x" << "mount 2 rest=/x";
    QTest::newRow("mount-whole-segments")
        << QStringList{"MOUNT /echo"} << QByteArray("GET") << "/echoes" << "none";
}

void tst_RouteTree::match()
{
    QFETCH(QStringList, entries);
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    const RouteTree tree = build(entries);
    QCOMPARE(describe(tree.match(path, method), path), expected);
}

void tst_RouteTree::duplicatesRefused()
{
    RouteTree tree;
    const auto notes = *RoutePatternParser::parse(u"/notes/{id}");
    const auto sameShape = *RoutePatternParser::parse(u"/notes/{other}");
    QVERIFY(tree.addRoute(notes, "GET", 0));
    QVERIFY(!tree.addRoute(sameShape, "GET", 1)); // the same route whatever the name
    QVERIFY(tree.addRoute(sameShape, "POST", 2));
    QVERIFY(tree.addRoute(notes, {}, 3));
    QVERIFY(!tree.addRoute(notes, {}, 4));
    QVERIFY(tree.addMount(notes, 5));
    QVERIFY(!tree.addMount(sameShape, 6));
    QVERIFY(!tree.addMount(*RoutePatternParser::parse(u"/{rest*}"), 7));
    QCOMPARE(tree.match(u"/notes/x", "GET").target, 0);
}

void tst_RouteTree::manySiblings()
{
    // 200 literal siblings and as many parameter routes under them: each is found.
    RouteTree tree;
    for (int i = 0; i < 200; ++i) {
        QVERIFY(tree.addRoute(*RoutePatternParser::parse(QStringLiteral("/r%1").arg(i)), "GET", 2 * i));
        QVERIFY(tree.addRoute(*RoutePatternParser::parse(QStringLiteral("/r%1/{id:int}").arg(i)), "GET", 2 * i + 1));
    }
    for (int i = 0; i < 200; ++i) {
        QCOMPARE(tree.match(QStringLiteral("/r%1").arg(i), "GET").target, 2 * i);
        const QString withId = QStringLiteral("/r%1/%2").arg(i).arg(i * 7);
        const RouteMatch match = tree.match(withId, "GET");
        QCOMPARE(match.target, 2 * i + 1);
        QCOMPARE(QStringView(withId).sliced(match.captures[0].start, match.captures[0].length),
                 QString::number(i * 7));
    }
    QCOMPARE(tree.match(u"/r200", "GET").kind, RouteMatch::Kind::None);
}

QTEST_GUILESS_MAIN(tst_RouteTree)
#include "tst_routetree.moc"
