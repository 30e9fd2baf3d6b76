// Per-route traffic: the slot a route's pattern counts under, the counters a worker keeps per
// slot and their sum over workers, and the slots the router hands out at dispatch. Pure: no
// sockets, no threads.
#include <afcgi/router.h>

#include "engine/routecounters.h"
#include "engine/routerprivate.h"
#include "engine/routeslots.h"

#include <QTest>

using namespace afcgi;

class tst_RouteCounters : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void owningPrefix_data();
    void owningPrefix();
    void countsAndSums();
    void slotOutOfRangeIsNotCounted();
    void blockedIsCounted();
    void routerTellsTheSlot_data();
    void routerTellsTheSlot();
    void routerMountedTwiceCountsByPrefix_data();
    void routerMountedTwiceCountsByPrefix();
};

void tst_RouteCounters::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_RouteCounters::owningPrefix_data()
{
    QTest::addColumn<QStringList>("prefixes");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<int>("owner");
    const QStringList mounts{QStringLiteral("/"), QStringLiteral("/notes"), QStringLiteral("/notes/items"),
                             QStringLiteral("/hello")};
    QTest::newRow("the-mount-itself") << mounts << QStringLiteral("/hello") << 3;
    QTest::newRow("under-a-mount") << mounts << QStringLiteral("/notes/{id:int}") << 1;
    QTest::newRow("the-longest-wins") << mounts << QStringLiteral("/notes/items/{id}") << 2;
    QTest::newRow("whole-segments-only") << mounts << QStringLiteral("/hellos") << 0;
    QTest::newRow("root-takes-the-rest") << mounts << QStringLiteral("/other") << 0;
    QTest::newRow("no-root-no-owner") << QStringList{QStringLiteral("/a")} << QStringLiteral("/b") << -1;
    QTest::newRow("no-prefixes") << QStringList() << QStringLiteral("/a") << -1;
}

void tst_RouteCounters::owningPrefix()
{
    QFETCH(QStringList, prefixes);
    QFETCH(QString, pattern);
    QFETCH(int, owner);
    QCOMPARE(afcgi::owningPrefix(prefixes, pattern), owner);
}

void tst_RouteCounters::countsAndSums()
{
    RouteCounters first(2);
    RouteCounters second(2);
    first.recordEnd(0, 100, false, false);
    first.recordEnd(0, 100, true, false);
    first.recordEnd(1, 5000, false, true);
    second.recordEnd(0, 300, false, false);
    QList<RouteTotals> totals;
    first.addTo(totals);
    second.addTo(totals);
    QCOMPARE(totals.size(), 2);
    QCOMPARE(totals[0].requests, 3);
    QCOMPARE(totals[0].errors, 1);
    QCOMPARE(totals[0].aborted, 0);
    QCOMPARE(totals[0].latencyMicrosTotal, 500);
    QCOMPARE(totals[1].requests, 1);
    QCOMPARE(totals[1].aborted, 1);
    // The percentiles come from the same log-spaced buckets as the service-wide histogram.
    QCOMPARE(LatencyHistogram::percentileMs(totals[0].latency, 0.5),
             LatencyHistogram::midpointMs(LatencyHistogram::bucketFor(100)));
    QCOMPARE(LatencyHistogram::percentileMs(totals[0].latency, 0.99),
             LatencyHistogram::midpointMs(LatencyHistogram::bucketFor(300)));
    RouteTotals sum = totals[0];
    sum += totals[1];
    QCOMPARE(sum.requests, 4);
    QCOMPARE(sum.latencyMicrosTotal, 5500);
}

void tst_RouteCounters::slotOutOfRangeIsNotCounted()
{
    RouteCounters counters(1);
    counters.recordEnd(-1, 10, true, true); // a 404: no route
    counters.recordEnd(1, 10, true, true);
    counters.recordBlocked(-1);
    QList<RouteTotals> totals;
    counters.addTo(totals);
    QCOMPARE(totals.size(), 1);
    QCOMPARE(totals[0].requests, 0);
    QCOMPARE(totals[0].errors, 0);
    QCOMPARE(totals[0].blocked, 0);
    RouteCounters none;
    QCOMPARE(none.size(), 0);
    none.recordEnd(0, 10, false, false);
}

void tst_RouteCounters::blockedIsCounted()
{
    RouteCounters counters(3);
    counters.recordBlocked(2);
    counters.recordBlocked(2);
    QList<RouteTotals> totals;
    counters.addTo(totals);
    QCOMPARE(totals[2].blocked, 2);
    QCOMPARE(totals[2].requests, 0);
}

void tst_RouteCounters::routerTellsTheSlot_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("slot");
    QTest::newRow("handler-mount") << QStringLiteral("/hello") << 0;
    QTest::newRow("below-a-handler-mount") << QStringLiteral("/hello/there") << 0;
    QTest::newRow("mounted-router-route") << QStringLiteral("/notes/7") << 1;
    QTest::newRow("mounted-router-fallback") << QStringLiteral("/notes/x/y") << 1;
    QTest::newRow("root-route-under-no-mount") << QStringLiteral("/api/users") << 2;
    QTest::newRow("nothing-there") << QStringLiteral("/nope") << -1;
}

void tst_RouteCounters::routerTellsTheSlot()
{
    QFETCH(QString, path);
    QFETCH(int, slot);
    const auto answer = [](Request *) {};
    Router root;
    root.mount(QStringLiteral("/hello"), answer);
    auto notes = std::make_shared<Router>();
    notes->get(QStringLiteral("/{id:int}"), answer);
    notes->setFallback(answer);
    root.mount(QStringLiteral("/notes"), notes);
    root.get(QStringLiteral("/api/users"), answer);
    RouterPrivate::get(root)->assignSlots({QStringLiteral("/hello"), QStringLiteral("/notes"), QStringLiteral("/api/users")});
    RouteResolution resolution;
    RouterPrivate::get(std::as_const(root))->resolve(path, 0, "GET", resolution);
    QCOMPARE(resolution.slot, slot);
}

void tst_RouteCounters::routerMountedTwiceCountsByPrefix_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("slot");
    QTest::newRow("first-mount-route") << QStringLiteral("/v1/items/7") << 0;
    QTest::newRow("second-mount-route") << QStringLiteral("/v2/items/7") << 1;
    QTest::newRow("first-mount-fallback") << QStringLiteral("/v1/other") << 0;
    QTest::newRow("second-mount-fallback") << QStringLiteral("/v2/other") << 1;
    QTest::newRow("nested-under-first") << QStringLiteral("/v1/admin/stats") << 2;
    QTest::newRow("nested-under-second") << QStringLiteral("/v2/admin/stats") << 3;
}

// One router mounted at two prefixes (an API served as /v1 and /v2): each prefix counts its own
// requests, not both under the prefix mounted last.
void tst_RouteCounters::routerMountedTwiceCountsByPrefix()
{
    QFETCH(QString, path);
    QFETCH(int, slot);
    const auto answer = [](Request *) {};
    auto admin = std::make_shared<Router>();
    admin->get(QStringLiteral("/stats"), answer);
    auto api = std::make_shared<Router>();
    api->get(QStringLiteral("/items/{id:int}"), answer);
    api->mount(QStringLiteral("/admin"), admin);
    api->setFallback(answer);
    Router root;
    root.mount(QStringLiteral("/v1"), api);
    root.mount(QStringLiteral("/v2"), api);
    RouterPrivate::get(root)->assignSlots({QStringLiteral("/v1"), QStringLiteral("/v2"),
                                           QStringLiteral("/v1/admin"), QStringLiteral("/v2/admin")});
    RouteResolution resolution;
    RouterPrivate::get(std::as_const(root))->resolve(path, 0, "GET", resolution);
    QCOMPARE(resolution.slot, slot);
}

QTEST_GUILESS_MAIN(tst_RouteCounters)
#include "tst_routecounters.moc"
