// The monitor's models fed with recorded message streams (no socket): hello, snapshot, ticks
// with began/ended events, and a second hello for a restarted service.

#include "chartspage.h"
#include "completionmodel.h"
#include "connectionmodel.h"
#include "format.h"
#include "logfilterproxy.h"
#include "logmodel.h"
#include "logpage.h"
#include "latencywindow.h"
#include "mainwindow.h"
#include "overviewpage.h"
#include "requesttablemodel.h"
#include "routespage.h"
#include "servicestate.h"
#include "tableview.h"
#include "workerspage.h"
#include "throughputchart.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace afcgi::gui;
using namespace afcgi::monitor;

namespace fixtures {
constexpr qint64 kT0 = 1700000000000;

RequestInfo req(quint64 conn, quint16 id, qint64 startMs = kT0, const QString &uri = QStringLiteral("/delay"))
{
    RequestInfo r;
    r.connectionId = conn;
    r.requestId = id;
    r.role = QStringLiteral("RESPONDER");
    r.method = QStringLiteral("GET");
    r.uri = uri;
    r.startMs = startMs;
    return r;
}

RequestInfo ended(RequestInfo r, qint64 durationMs, int status = 200, bool aborted = false)
{
    r.durationMs = durationMs;
    r.status = status;
    r.aborted = aborted;
    r.bytesOut = 100;
    return r;
}

ConnectionInfo conn(quint64 id, qint64 queued = 0)
{
    return { id, QStringLiteral("peer-%1").arg(id), QStringLiteral("127.0.0.1:9000"), kT0, queued };
}

Tick tick(quint64 seq, QList<RequestInfo> began = {}, QList<RequestInfo> endedList = {})
{
    Tick t;
    t.seq = seq;
    t.timeMs = kT0 + qint64(seq) * 250;
    t.intervalMs = 250;
    t.began = std::move(began);
    t.ended = std::move(endedList);
    return t;
}

Hello hello(qint64 pid)
{
    Hello h;
    h.pid = pid;
    h.serverVersion = QStringLiteral("0.1.0");
    h.startTimeMs = kT0 + pid;
    h.tickIntervalMs = 250;
    return h;
}

using Stream = QList<Message>;
using Keys = QList<QPair<quint64, int>>; // (connection, request) expected in the table, sorted

// What MainWindow does with each message, for the models alone.
void feed(RequestTableModel &requests, ConnectionModel *connections, const Stream &stream)
{
    for (const Message &m : stream) {
        if (std::holds_alternative<Hello>(m)) {
            requests.clear();
            if (connections)
                connections->clear();
        } else if (const auto *s = std::get_if<Snapshot>(&m)) {
            requests.setSnapshot(s->requests);
            if (connections)
                connections->setSnapshot(*s);
        } else if (const auto *t = std::get_if<Tick>(&m)) {
            requests.applyTick(*t);
            if (connections)
                connections->applyTick(*t);
        }
    }
}

Keys keysOf(const RequestTableModel &model)
{
    Keys keys;
    for (int row = 0; row < model.rowCount(); ++row)
        keys.append({ model.requestAt(row).connectionId, model.requestAt(row).requestId });
    std::sort(keys.begin(), keys.end());
    return keys;
}
} // namespace fixtures

using namespace fixtures;

class tst_GuiModels : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void requestStream_data();
    void requestStream();
    void requestAgeTicks();
    void abortedMarked();
    void selectionSurvivesSnapshots();
    void workersFromTicks();
    void tenThousandRows();
    void connections();
    void completionsRing();
    void logRingAndFilter();
    void logPause();
    void windowFedByStream();
    void windowShortcutsAndLogActions();
    void gaugesOverDerivedCounts();
    void progressUpdatesActiveRows();
    void latencyWindow();
    void overviewAgainstTheLimits();
    void serviceStatePhases();
    void layoutFitsAt800x500();
    void routesShowTheirPatterns();
    void routesTabShowsTraffic();
    void workersTabFlagsABlockedWorker();
};

void tst_GuiModels::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("afcgi-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_guimodels"));
}

void tst_GuiModels::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_GuiModels::requestStream_data()
{
    QTest::addColumn<Stream>("stream");
    QTest::addColumn<Keys>("expected");

    const Snapshot three{ { req(1, 1), req(1, 2), req(2, 1) }, { conn(1), conn(2) } };
    QTest::newRow("snapshot") << Stream{ hello(10), three } << Keys{ { 1, 1 }, { 1, 2 }, { 2, 1 } };
    QTest::newRow("began-then-ended")
        << Stream{ hello(10), three, tick(1, { req(3, 7, kT0 + 100) }),
                   tick(2, {}, { ended(req(1, 2), 400) }) }
        << Keys{ { 1, 1 }, { 2, 1 }, { 3, 7 } };
    QTest::newRow("began-and-ended-in-one-tick")
        << Stream{ hello(10), three, tick(1, { req(3, 1, kT0 + 100), req(3, 2, kT0 + 100) },
                                          { ended(req(3, 1, kT0 + 100), 3) }) }
        << Keys{ { 1, 1 }, { 1, 2 }, { 2, 1 }, { 3, 2 } };
    QTest::newRow("id-reused-in-one-tick") // request id 1 ends and is used again at once
        << Stream{ hello(10), Snapshot{}, tick(1, { req(4, 1, kT0 + 10), req(4, 1, kT0 + 20) },
                                               { ended(req(4, 1, kT0 + 10), 10) }) }
        << Keys{ { 4, 1 } };
    // The service derives start times from two clocks: a millisecond apart, still one request.
    QTest::newRow("began-and-ended-in-one-tick-start-skewed")
        << Stream{ hello(10), Snapshot{}, tick(1, { req(4, 1, kT0 + 10) }, { ended(req(4, 1, kT0 + 9), 10) }) }
        << Keys{};
    QTest::newRow("ended-removes-row-despite-start-skew")
        << Stream{ hello(10), Snapshot{ { req(5, 1, kT0 + 51) }, {} },
                   tick(1, {}, { ended(req(5, 1, kT0 + 50), 40) }) }
        << Keys{};
    QTest::newRow("ended-and-used-again-next-tick")
        << Stream{ hello(10), Snapshot{ { req(5, 1, kT0) }, {} },
                   tick(1, { req(5, 1, kT0 + 300) }, { ended(req(5, 1, kT0), 290) }) }
        << Keys{ { 5, 1 } };
    QTest::newRow("ended-of-newer-use-removes-stale-row") // the older end fell to the cap
        << Stream{ hello(10), Snapshot{ { req(5, 1, kT0) }, {} },
                   tick(1, {}, { ended(req(5, 1, kT0 + 90), 40) }) }
        << Keys{};
    QTest::newRow("began-over-stale-row-replaces-it")
        << Stream{ hello(10), Snapshot{ { req(5, 1, kT0) }, {} }, tick(1, { req(5, 1, kT0 + 90) }) }
        << Keys{ { 5, 1 } };
    QTest::newRow("ended-unknown-ignored")
        << Stream{ hello(10), three, tick(1, {}, { ended(req(9, 9), 1) }) }
        << Keys{ { 1, 1 }, { 1, 2 }, { 2, 1 } };
    QTest::newRow("restart-leaves-no-stale-rows")
        << Stream{ hello(10), three, tick(1, { req(3, 3) }), hello(11),
                   Snapshot{ { req(1, 9) }, { conn(1) } } }
        << Keys{ { 1, 9 } };
    QTest::newRow("hello-without-snapshot-is-empty")
        << Stream{ hello(10), three, hello(11) } << Keys{};
}

void tst_GuiModels::requestStream()
{
    QFETCH(Stream, stream);
    QFETCH(Keys, expected);
    RequestTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(RequestTableModel::SortRole);
    proxy.sort(RequestTableModel::AgeColumn, Qt::DescendingOrder);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConnectionModel connections;
    connections.setRequestModel(&model);
    QAbstractItemModelTester connectionTester(&connections,
                                              QAbstractItemModelTester::FailureReportingMode::QtTest);

    feed(model, &connections, stream);
    QCOMPARE(keysOf(model), expected);
    QCOMPARE(model.rowCount(), expected.size());
    QCOMPARE(proxy.rowCount(), expected.size());
    // The key index agrees with the rows, and the connection model with the request model.
    int inFlight = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const RequestInfo &r = model.requestAt(row);
        QCOMPARE(model.findRow(r.connectionId, r.requestId), row);
        QVERIFY(connections.inFlight(r.connectionId).contains(r.requestId));
    }
    for (const auto &[c, id] : expected)
        inFlight += connections.inFlight(c).contains(quint16(id)) ? 1 : 0;
    QCOMPARE(inFlight, expected.size());
}

void tst_GuiModels::requestAgeTicks()
{
    RequestTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyTick(tick(0, { req(1, 1, kT0 - 1500), req(1, 2, kT0 - 200) }));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.applyTick(tick(4)); // one second later
    // One dataChanged for the age and bytes columns of all rows; no structural change, no reset.
    QCOMPARE(changed.size(), 1);
    const QModelIndex topLeft = changed.at(0).at(0).toModelIndex();
    const QModelIndex bottomRight = changed.at(0).at(1).toModelIndex();
    QCOMPARE(topLeft, model.index(0, RequestTableModel::AgeColumn));
    QCOMPARE(bottomRight, model.index(1, RequestTableModel::NoteColumn));
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(reset.size(), 0);
    const int row = model.findRow(1, 1);
    QCOMPARE(model.data(model.index(row, RequestTableModel::AgeColumn), RequestTableModel::SortRole)
                 .toLongLong(),
             2500);
    QCOMPARE(model.data(model.index(row, RequestTableModel::AgeColumn)).toString(), QStringLiteral("2.5 s"));
}

void tst_GuiModels::abortedMarked()
{
    RequestTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConnectionModel connections;
    connections.setRequestModel(&model);
    connections.setSnapshot(Snapshot{ {}, { conn(1) } });
    model.applyTick(tick(1, { req(1, 1), req(1, 2) }));
    const QModelIndex uri = model.index(model.findRow(1, 2), RequestTableModel::UriColumn);
    QVERIFY(!model.data(uri, RequestTableModel::AbortedRole).toBool());
    QVERIFY(!model.data(uri, Qt::ForegroundRole).isValid()); // the palette's colour

    Tick t = tick(2);
    t.aborted = { req(1, 2) }; // aborted by the web server, the handler still runs
    model.applyTick(t);
    QVERIFY(model.data(uri, RequestTableModel::AbortedRole).toBool());
    QVERIFY(model.data(uri, Qt::ForegroundRole).isValid());
    QVERIFY(model.data(uri, Qt::FontRole).value<QFont>().italic());
    QCOMPARE(connections.inFlight(1), (QMap<quint16, bool>{ { 1, false }, { 2, true } }));
    const QModelIndex ids = connections.index(0, ConnectionModel::RequestIdsColumn);
    QCOMPARE(connections.data(ids).toString(), QStringLiteral("1, 2!"));
    QVERIFY(connections.data(ids, ConnectionModel::AbortedInFlightRole).toBool());
}

void tst_GuiModels::selectionSurvivesSnapshots()
{
    using fixtures::req;
    RequestTableModel model;
    std::unique_ptr<QTableView> view(makeTableView(&model, QStringLiteral("requests"), RequestTableModel::ConnectionColumn,
                                                   Qt::AscendingOrder, nullptr));
    keepSelectionAcrossResets(view.get(), { RequestTableModel::ConnectionColumn, RequestTableModel::RequestColumn });
    model.setSnapshot({ req(1, 1), req(1, 2), req(2, 1) });
    const auto selectedIds = [&] {
        QList<QPair<quint64, quint16>> ids;
        for (int row : selectedSourceRows(view.get()))
            ids.append({ model.requestAt(row).connectionId, model.requestAt(row).requestId });
        return ids;
    };
    view->selectRow(1); // (1, 2): sorted by connection, then as given
    QCOMPARE(selectedIds(), (QList<QPair<quint64, quint16>>{ { 1, 2 } }));
    // A snapshot (F5, or a resync) with that request still running, others gone and new ones.
    model.setSnapshot({ req(2, 1), req(1, 2), req(3, 7), req(1, 3) });
    QCOMPARE(selectedIds(), (QList<QPair<quint64, quint16>>{ { 1, 2 } }));
    // (1, 1) is not (1, 2) nor (2, 1): the key is both columns.
    view->selectionModel()->clearSelection();
    model.setSnapshot({ req(1, 1), req(2, 2) });
    QVERIFY(selectedIds().isEmpty());
    // Gone from the snapshot: nothing is selected in its place.
    view->selectRow(0);
    QCOMPARE(selectedIds().size(), 1);
    model.setSnapshot({ req(9, 9) });
    QVERIFY(selectedIds().isEmpty());
}

void tst_GuiModels::workersFromTicks()
{
    WorkerModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Tick tick;
    tick.intervalMs = 250;
    tick.workers = QList<WorkerGauge>{ { 0, 10, 4, 1000, 5000, 0 }, { 1, 2, 0, 200, 100, 3 } };
    QVERIFY(model.applyTick(tick));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowAt(0).requestsPerSecond, 0.0); // one tick: no rate yet
    QCOMPARE(model.index(0, WorkerModel::WorkerColumn).data().toString(), QStringLiteral("afcgi-worker-0"));
    QCOMPARE(model.index(0, WorkerModel::ConnectionsColumn).data(WorkerModel::SortRole).toLongLong(), 10);

    // 250 ms later: worker 0 ended 500 requests (2,000/s) on 125 ms of CPU (half a core).
    tick.workers = QList<WorkerGauge>{ { 0, 11, 3, 1500, 5125, 1 }, { 1, 2, 0, 200, 100, 40 } };
    QVERIFY(model.applyTick(tick));
    QCOMPARE(model.rowAt(0).requestsPerSecond, 2000.0);
    QCOMPARE(model.rowAt(0).cpuShare, 0.5);
    QCOMPARE(model.index(0, WorkerModel::CpuColumn).data().toString(), QStringLiteral("50 %"));
    QCOMPARE(model.index(0, WorkerModel::RequestsColumn).data().toString(), format::perSecond(2000));
    QCOMPARE(model.rowAt(1).requestsPerSecond, 0.0);
    QCOMPARE(model.index(1, WorkerModel::LagColumn).data(WorkerModel::SortRole).toLongLong(), 40);

    // A restarted service counts from 0 again: no negative rate.
    tick.workers = QList<WorkerGauge>{ { 0, 0, 0, 3, 10, 0 }, { 1, 0, 0, 0, 5, 0 } };
    QVERIFY(model.applyTick(tick));
    QCOMPARE(model.rowAt(0).requestsPerSecond, 0.0);
    QCOMPARE(model.rowAt(0).cpuShare, 0.0);

    // An older service does not tell: the rows go.
    QVERIFY(!model.applyTick(Tick{}));
    QCOMPARE(model.rowCount(), 0);
}

void tst_GuiModels::tenThousandRows()
{
    constexpr int kRows = 10000;
    RequestTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(RequestTableModel::SortRole);
    proxy.sort(RequestTableModel::UriColumn);
    QTableView view; // a real view over the proxy, as in the window
    view.setModel(&proxy);
    view.resize(800, 600);
    view.show();
    ConnectionModel connections;
    connections.setRequestModel(&model);

    QList<RequestInfo> began;
    for (int i = 0; i < kRows; ++i)
        began.append(req(quint64(i % 100), quint16(i / 100 + 1), kT0 + i, QStringLiteral("/delay/%1").arg(i)));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QElapsedTimer timer;
    timer.start();
    model.applyTick(tick(1, began));
    const qint64 insertMs = timer.elapsed();
    QCOMPARE(model.rowCount(), kRows);
    QCOMPARE(proxy.rowCount(), kRows);
    QCOMPARE(inserted.size(), 1); // one insertion for the whole batch

    // End every other request: scattered, so one layout change and one tail removal.
    QList<RequestInfo> endedList;
    for (int i = 0; i < kRows; i += 2)
        endedList.append(ended(began.at(i), 5));
    timer.restart();
    model.applyTick(tick(2, {}, endedList));
    const qint64 scatteredMs = timer.elapsed();
    QCOMPARE(model.rowCount(), kRows / 2);
    QCOMPARE(proxy.rowCount(), kRows / 2);
    QCOMPARE(layout.size(), 1);
    QCOMPARE(removed.size(), 1);

    // End a contiguous block (in row order): one removal, no layout change.
    endedList.clear();
    for (int row = 100; row < 1100; ++row)
        endedList.append(ended(model.requestAt(row), 5));
    timer.restart();
    model.applyTick(tick(3, {}, endedList));
    const qint64 blockMs = timer.elapsed();
    QCOMPARE(model.rowCount(), kRows / 2 - 1000);
    QCOMPARE(layout.size(), 1);
    QCOMPARE(removed.size(), 2);

    // Index, rows and the derived in-flight sets all agree.
    int inFlight = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const RequestInfo &r = model.requestAt(row);
        QCOMPARE(model.findRow(r.connectionId, r.requestId), row);
        QCOMPARE(r.startMs % 2, 1); // only odd ones survived the scattered removal
    }
    for (quint64 c = 0; c < 100; ++c)
        inFlight += int(connections.inFlight(c).size());
    QCOMPARE(inFlight, model.rowCount());
    QCOMPARE(proxy.data(proxy.index(0, RequestTableModel::UriColumn)).toString().left(7),
             QStringLiteral("/delay/"));
    qInfo("10,000 rows: insert %lld ms, 5,000 scattered ends %lld ms, 1,000 contiguous ends %lld ms",
          insertMs, scatteredMs, blockMs);

    model.clear();
    QCOMPARE(proxy.rowCount(), 0);
    QVERIFY(connections.inFlight(1).isEmpty());
}

void tst_GuiModels::connections()
{
    RequestTableModel requests;
    ConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRequestModel(&requests);
    const Stream stream{ hello(10),
                         Snapshot{ { req(1, 1), req(1, 2), req(2, 5) }, { conn(1), conn(2) } } };
    feed(requests, &model, stream);
    QCOMPARE(model.rowCount(), 2);
    const auto cell = [&](quint64 c, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(model.findRow(c), column), role);
    };
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn).toInt(), 2);
    QCOMPARE(cell(1, ConnectionModel::RequestIdsColumn).toString(), QStringLiteral("1, 2"));
    QCOMPARE(cell(2, ConnectionModel::InFlightColumn).toInt(), 1);

    // Connection 3 opens with two requests; 2 closes after its request ended; 1 has output queued.
    Tick t = tick(1, { req(3, 1), req(3, 2) }, { ended(req(2, 5), 30) });
    t.connectionsOpened = { conn(3) };
    t.connectionsClosed = { 2 };
    t.queued = { conn(1, 4096) };
    feed(requests, &model, { t });
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.findRow(2), -1);
    QCOMPARE(cell(3, ConnectionModel::InFlightColumn).toInt(), 2);
    QCOMPARE(cell(1, ConnectionModel::QueuedColumn, ConnectionModel::SortRole).toLongLong(), 4096);
    QCOMPARE(cell(1, ConnectionModel::AgeColumn, ConnectionModel::SortRole).toLongLong(), 250);

    // Output drained: connection 1 is no longer listed as queued.
    feed(requests, &model, { tick(2, {}, { ended(req(1, 1), 500) }) });
    QCOMPARE(cell(1, ConnectionModel::QueuedColumn, ConnectionModel::SortRole).toLongLong(), 0);
    QCOMPARE(cell(1, ConnectionModel::RequestIdsColumn).toString(), QStringLiteral("2"));

    // A queued connection we never saw open (its "opened" fell to the cap) is added.
    Tick q = tick(3);
    q.queued = { conn(8, 10) };
    feed(requests, &model, { q });
    QCOMPARE(model.rowCount(), 3);

    // A connection opened and closed within one tick (a connection per request) leaves no row.
    Tick brief = tick(4);
    brief.connectionsOpened = { conn(20), conn(21) };
    brief.connectionsClosed = { 20, 21 };
    feed(requests, &model, { brief });
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.findRow(20), -1);

    // The service restarted: nothing stale.
    feed(requests, &model, { hello(11), Snapshot{ {}, { conn(1) } } });
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn).toInt(), 0);
}

void tst_GuiModels::completionsRing()
{
    CompletionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.capacity(), 5000);
    model.setCapacity(100);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (int batch = 0; batch < 3; ++batch) {
        QList<RequestInfo> list;
        for (int i = 0; i < 50; ++i)
            list.append(ended(req(1, quint16(batch * 50 + i)), 10));
        model.addCompleted(list);
    }
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.completionAt(0).requestId, 50); // the oldest 50 were dropped, in one removal
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 49);

    // More than the capacity at once: only the newest fit.
    QList<RequestInfo> many;
    for (int i = 0; i < 250; ++i)
        many.append(ended(req(2, quint16(i)), 1, i % 2 ? 200 : 503, i == 249));
    model.addCompleted(many);
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(model.completionAt(0).requestId, 150);
    QCOMPARE(model.completionAt(99).requestId, 249);
    const QModelIndex status = model.index(99, CompletionModel::StatusColumn);
    QCOMPARE(model.data(status).toString(), QStringLiteral("200 (aborted)"));
    QVERIFY(model.data(status, Qt::ForegroundRole).isValid());

    model.setCapacity(10);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.completionAt(0).requestId, 240);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_GuiModels::logRingAndFilter()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LogFilterProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(50);

    static const char *const kLevels[] = { "debug", "info", "warning", "error" };
    for (int batch = 0; batch < 4; ++batch) {
        LogBatch b;
        for (int i = 0; i < 30; ++i) {
            const int n = batch * 30 + i;
            b.entries.append({ kT0 + n, QLatin1String(kLevels[n % 4]),
                               n % 3 ? QStringLiteral("afcgi.server.conn") : QStringLiteral("afcgi.server.Engine"),
                               QStringLiteral("line %1%2").arg(n).arg(n % 10 == 0 ? " Needle" : "") });
        }
        model.append(b);
    }
    QCOMPARE(model.rowCount(), 50); // the oldest dropped first
    QCOMPARE(model.entryAt(0).message, QStringLiteral("line 70 Needle"));
    QCOMPARE(model.entryAt(49).message, QStringLiteral("line 119"));
    QCOMPARE(proxy.rowCount(), 50);

    proxy.setMinimumLevel(LogModel::Warning);
    QCOMPARE(proxy.rowCount(), 26); // warnings and errors among 70..119 (70 % 4 == 2)
    proxy.setSearchText(QStringLiteral("needle")); // case-insensitive
    QCOMPARE(proxy.rowCount(), 3); // 70, 90, 110 are warnings; 80 and 100 are debug
    proxy.setMinimumLevel(LogModel::Debug);
    QCOMPARE(proxy.rowCount(), 5);
    proxy.setSearchText(QStringLiteral("ENGINE")); // the category matches too
    QCOMPARE(proxy.rowCount(), 16); // n % 3 == 0 for n in 70..119
    proxy.setSearchText(QString());

    // The rate limit's count becomes a warning of its own.
    model.append(LogBatch{ {}, 7 });
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(model.entryAt(49).level, QStringLiteral("warning"));
    QVERIFY(model.entryAt(49).message.startsWith(QLatin1String("7 log line")));
    QVERIFY(model.lineAt(49).contains(QLatin1String(" warning afcgi.monitor: 7 log line")));

    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(proxy.rowCount(), 0);
}

void tst_GuiModels::logPause()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(10);
    QSignalSpy pending(&model, &LogModel::pendingCountChanged);
    model.appendLocal(LogModel::Info, QStringLiteral("before"));
    model.setPaused(true);
    for (int i = 0; i < 15; ++i)
        model.appendLocal(LogModel::Info, QStringLiteral("while paused %1").arg(i));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.pendingCount(), 10); // bounded by the capacity too
    QCOMPARE(pending.last().at(0).toInt(), 10);
    model.setPaused(false);
    QCOMPARE(model.pendingCount(), 0);
    QCOMPARE(model.rowCount(), 10);
    QCOMPARE(model.entryAt(0).message, QStringLiteral("while paused 5"));
    QCOMPARE(pending.last().at(0).toInt(), 0);
}

void tst_GuiModels::windowFedByStream()
{
    // The window's wiring, driven through its client's signals as if they came from a socket.
    MainWindow window(QStringLiteral("afcgi-tst-no-such-socket"));
    window.resize(1000, 700);
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
    window.show();
    MonitorClient *client = window.client();
    Q_EMIT client->helloReceived(hello(10));
    Q_EMIT client->snapshotReceived(Snapshot{ { req(1, 1), req(1, 2) }, { conn(1) } });
    Tick t = tick(1, { req(2, 1) }, { ended(req(1, 1), 80) });
    t.connectionsOpened = { conn(2) };
    t.rates.requests = 4;
    t.latency = { 1, 80, 80, 80, 80, {} };
    Q_EMIT client->tickReceived(t);
    Q_EMIT client->logReceived(LogBatch{ { { kT0, QStringLiteral("error"), QStringLiteral("afcgi.server.conn"),
                                             QStringLiteral("boom") } },
                                         0 });

    QCOMPARE(window.requestView()->model()->rowCount(), 2);
    QCOMPARE(window.connectionView()->model()->rowCount(), 2);
    QCOMPARE(window.completionModel()->rowCount(), 1);
    QCOMPARE(window.chartsPage()->throughputChart()->sampleCount(), 1);
    QCOMPARE(window.chartsPage()->throughputChart()->lastValue(0), 4.0);
    QCOMPARE(window.chartsPage()->latencyChart()->lastValue(2), 80.0);
    QCOMPARE(window.chartsPage()->statText(QStringLiteral("requests-rate")), QStringLiteral("4/s"));
    QCOMPARE(window.chartsPage()->statText(QStringLiteral("p99")), QStringLiteral("80 ms"));
    QCOMPARE(window.chartsPage()->throughputChart()->span(), 5 * 60 * 1000); // five minutes
    QCOMPARE(window.chartsPage()->throughputChart()->sampleTime(0), t.timeMs); // the service's clock

    QVERIFY(window.logModel()->rowCount() >= 1);
    QCOMPARE(window.logModel()->entryAt(window.logModel()->rowCount() - 1).message, QStringLiteral("boom"));

    // The service restarted: no stale rows, completions of the old process gone.
    Q_EMIT client->helloReceived(hello(11));
    QCOMPARE(window.requestView()->model()->rowCount(), 0);
    QCOMPARE(window.connectionView()->model()->rowCount(), 0);
    QCOMPARE(window.completionModel()->rowCount(), 0);
    QCOMPARE(window.hello().pid, 11);
    Q_EMIT client->snapshotReceived(Snapshot{ { req(7, 3) }, { conn(7) } });
    QCOMPARE(window.requestView()->model()->rowCount(), 1);
    QCOMPARE(window.chartsPage()->throughputChart()->sampleCount(), 1); // history is kept
    window.saveSettings();
}

void tst_GuiModels::windowShortcutsAndLogActions()
{
    MainWindow window(QStringLiteral("afcgi-tst-no-such-socket"));
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
    window.show();
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    for (const QString &line : { QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("gamma") })
        window.logModel()->appendLocal(LogModel::Info, line);

    QTest::keyClick(&window, Qt::Key_4, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::ThroughputTab));
    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::RequestsTab));
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::OverviewTab));
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier); // to the log search
    QCOMPARE(window.tabs()->currentIndex(), int(MainWindow::LogsTab));
    QTRY_VERIFY(window.logPage()->searchEdit()->hasFocus());
    QTest::keyClicks(window.logPage()->searchEdit(), QStringLiteral("a ")); // Space types here
    QVERIFY(!window.logPage()->pauseAction()->isChecked());
    QCOMPARE(window.logPage()->proxy()->rowCount(), 0);
    window.logPage()->searchEdit()->clear();
    QCOMPARE(window.logPage()->proxy()->rowCount(), 3);

    // Space pauses while the log view has the focus; new lines wait.
    window.logPage()->view()->setFocus();
    QTest::keyClick(window.logPage()->view(), Qt::Key_Space);
    QVERIFY(window.logPage()->pauseAction()->isChecked());
    window.logModel()->appendLocal(LogModel::Info, QStringLiteral("delta"));
    QCOMPARE(window.logModel()->rowCount(), 3);
    QTest::keyClick(window.logPage()->view(), Qt::Key_Space);
    QVERIFY(!window.logPage()->pauseAction()->isChecked());
    QCOMPARE(window.logModel()->rowCount(), 4);

    // Copy takes the selected lines as afcgid prints them.
    window.logPage()->view()->selectRow(1);
    QVERIFY(window.logPage()->selectedText().endsWith(QLatin1String(" info afcgi.monitor: beta")));

    QTest::keyClick(&window, Qt::Key_L, Qt::ControlModifier);
    QCOMPARE(window.logModel()->rowCount(), 0);
}

void tst_GuiModels::gaugesOverDerivedCounts()
{
    RequestTableModel requests;
    ConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRequestModel(&requests);
    feed(requests, &model, { hello(10), Snapshot{ { req(1, 1) }, { conn(1), conn(2) } } });
    const auto cell = [&](quint64 c, int column, int role = Qt::DisplayRole) {
        return model.data(model.index(model.findRow(c), column), role);
    };
    QVERIFY(!model.hasGauges());
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn).toInt(), 1); // from the table

    // The tick's gauges win over the table: most requests never appeared in any event.
    Tick t = tick(1);
    QList<quint16> ids;
    for (quint16 id = 1; id <= kMaxGaugeIds; ++id)
        ids.append(id);
    t.inFlight = QList<ConnectionGauge>{ { 1, 64, 0, ids }, { 2, 3, 2, { 4, 5, 6 } } };
    feed(requests, &model, { t });
    QVERIFY(model.hasGauges());
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn, ConnectionModel::SortRole).toInt(), 64);
    QCOMPARE(model.inFlightCount(1), 64);
    QVERIFY(cell(1, ConnectionModel::RequestIdsColumn).toString().endsWith(QStringLiteral("… (16 of 64)")));
    QCOMPARE(cell(2, ConnectionModel::RequestIdsColumn).toString(), QStringLiteral("4, 5, 6"));
    QCOMPARE(cell(2, ConnectionModel::InFlightColumn).toString(), QStringLiteral("3 + 2 waiting"));

    // A connection missing from the gauges is idle.
    Tick idle = tick(2);
    idle.inFlight = QList<ConnectionGauge>{};
    feed(requests, &model, { idle });
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn).toInt(), 0);
    QCOMPARE(cell(1, ConnectionModel::RequestIdsColumn).toString(), QString());
    // A tick without gauges (an older service) goes back to the table.
    feed(requests, &model, { tick(3) });
    QCOMPARE(cell(1, ConnectionModel::InFlightColumn).toInt(), 1);
}

void tst_GuiModels::progressUpdatesActiveRows()
{
    RequestTableModel requests;
    QAbstractItemModelTester tester(&requests, QAbstractItemModelTester::FailureReportingMode::QtTest);
    RequestInfo noted = req(1, 1);
    noted.note = QStringLiteral("cgi pid 41 slow.cgi");
    feed(requests, nullptr, { hello(10), Snapshot{ { noted, req(1, 2) }, {} } });
    QCOMPARE(requests.data(requests.index(requests.findRow(1, 1), RequestTableModel::NoteColumn)).toString(),
             QStringLiteral("cgi pid 41 slow.cgi")); // as the snapshot told it
    QSignalSpy changed(&requests, &QAbstractItemModel::dataChanged);
    Tick t = tick(1);
    t.active = { { 1, 2, 10, 4096, 200, false, QStringLiteral("cgi pid 42 git-http-backend") },
                 { 1, 1, 0, 0, 0, true, {} },
                 { 9, 9, 1, 1, 0, false, {} } };
    feed(requests, nullptr, { t });
    const int row2 = requests.findRow(1, 2);
    QCOMPARE(requests.requestAt(row2).bytesOut, 4096);
    QCOMPARE(requests.requestAt(row2).bytesIn, 10);
    QCOMPARE(requests.requestAt(row2).status, 200);
    QVERIFY(requests.requestAt(requests.findRow(1, 1)).aborted);
    QCOMPARE(requests.rowCount(), 2); // progress of an unknown request adds no row
    // One signal covers the ages and the bytes of all rows; the abort has one of its own.
    bool bytesCovered = false;
    for (const QList<QVariant> &args : std::as_const(changed)) {
        const QModelIndex from = args.at(0).toModelIndex(), to = args.at(1).toModelIndex();
        bytesCovered = bytesCovered
            || (from.row() == 0 && to.row() == 1 && from.column() <= RequestTableModel::BytesOutColumn
                && to.column() >= RequestTableModel::NoteColumn);
    }
    QVERIFY(bytesCovered);
    QCOMPARE(requests.data(requests.index(row2, RequestTableModel::BytesOutColumn)).toString(),
             QStringLiteral("4 KiB"));
    // The note is the handler's now: a new one replaces the old, none clears it.
    QCOMPARE(requests.data(requests.index(row2, RequestTableModel::NoteColumn)).toString(),
             QStringLiteral("cgi pid 42 git-http-backend"));
    QVERIFY(requests.data(requests.index(requests.findRow(1, 1), RequestTableModel::NoteColumn)).toString().isEmpty());
}

void tst_GuiModels::latencyWindow()
{
    LatencyWindow window;
    window.setWindow(1000);
    const auto latency = [](int bucket, qint64 count, double max) {
        Latency l;
        l.count = count;
        l.max = max;
        l.buckets = { { bucket, count } };
        return l;
    };
    QVERIFY(qIsNaN(window.result().p50));
    // 90 fast requests in one tick, 10 slow ones in the next: p50 fast, p99 slow, over 1 s.
    window.add(kT0, latency(afcgi::latency::bucketFor(100), 90, 0.1));
    window.add(kT0 + 250, latency(afcgi::latency::bucketFor(50'000), 10, 52));
    LatencyWindow::Result r = window.result();
    QCOMPARE(r.count, 100);
    QCOMPARE(r.p50, afcgi::latency::midpointMs(afcgi::latency::bucketFor(100)));
    QCOMPARE(r.p99, afcgi::latency::midpointMs(afcgi::latency::bucketFor(50'000)));
    QCOMPARE(r.max, 52.0);
    // A second later the fast tick has left the window; the slow one too after another quarter.
    window.add(kT0 + 1000, Latency{});
    QCOMPARE(window.result().count, 10);
    window.add(kT0 + 1250, Latency{});
    QCOMPARE(window.result().count, 0);
    QVERIFY(qIsNaN(window.result().p99));
    QVERIFY(qIsNaN(window.result().max));
    // A wider window keeps more.
    window.setWindow(5000);
    window.add(kT0 + 1500, latency(3, 1, 0.001));
    window.add(kT0 + 1750, latency(4, 1, 0.002));
    QCOMPARE(window.result().count, 2);
    // A service without histograms: its own per-tick percentiles.
    Latency old;
    old.count = 4;
    old.p50 = 1;
    old.p99 = 7;
    window.add(kT0 + 2000, old);
    QVERIFY(window.perTick());
    QCOMPARE(window.result().p99, 7.0);
}

void tst_GuiModels::overviewAgainstTheLimits()
{
    MainWindow window(QStringLiteral("afcgi-tst-no-such-socket"));
    MonitorClient *client = window.client();
    Q_EMIT client->stateChanged(MonitorClient::State::Connected); // as if connected
    Hello h = hello(10);
    h.listeners = { QStringLiteral("127.0.0.1:9000"), QStringLiteral("unix:/run/afcgi.sock") };
    h.threads = 2;
    h.limits = { { QStringLiteral("max-conns"), 100 }, { QStringLiteral("max-requests-per-conn"), 64 },
                 { QStringLiteral("request-queue"), 10 } };
    h.logLevel = QStringLiteral("info");
    Q_EMIT client->helloReceived(h);
    Tick t = tick(1);
    t.state = QStringLiteral("running");
    t.logLevel = QStringLiteral("info");
    t.rates.requests = 1500;
    t.rates.byStatus = { 2, 0, 1400, 50, 40, 8 };
    t.rates.errors = 8;
    t.totals.connectionsOpen = 25;
    t.totals.connectionsWaiting = 3;
    t.totals.requestsWaiting = 5;
    t.totals.requestsActive = 80;
    t.inFlight = QList<ConnectionGauge>{ { 1, 48, 5, {} }, { 2, 32, 0, {} } };
    Q_EMIT client->tickReceived(t);
    const OverviewPage *o = window.overviewPage();
    QCOMPARE(o->text(QStringLiteral("state")), QStringLiteral("Running"));
    QCOMPARE(o->text(QStringLiteral("listeners")), QStringLiteral("127.0.0.1:9000, unix:/run/afcgi.sock"));
    QCOMPARE(o->text(QStringLiteral("requests-rate")), QStringLiteral("1.5 k/s"));
    QCOMPARE(o->text(QStringLiteral("status-2xx")), QStringLiteral("1.4 k/s"));
    QCOMPARE(o->text(QStringLiteral("status-5xx")), QStringLiteral("8/s"));
    QCOMPARE(o->text(QStringLiteral("connections")), QStringLiteral("25 of 100, 3 waiting"));
    QCOMPARE(o->bar(QStringLiteral("connections"))->value(), 250);
    QCOMPARE(o->text(QStringLiteral("busiest")), QStringLiteral("48 of 64"));
    QVERIFY(o->text(QStringLiteral("queue")).startsWith(QStringLiteral("5 waiting")));
    QCOMPARE(o->text(QStringLiteral("log-level")), QStringLiteral("info"));
    Q_EMIT client->stateChanged(MonitorClient::State::Disconnected);
    QCOMPARE(o->text(QStringLiteral("state")), QStringLiteral("Disconnected"));
    QCOMPARE(o->text(QStringLiteral("requests-rate")), QStringLiteral("–"));
    QCOMPARE(o->text(QStringLiteral("connections")), QStringLiteral("–"));
}

void tst_GuiModels::serviceStatePhases()
{
    ServiceState state;
    state.setSocketName(QStringLiteral("sock"));
    QCOMPARE(state.phase(), ServiceState::Phase::Connecting);
    QVERIFY(state.bannerText().isEmpty());
    state.setClientState(MonitorClient::State::Connected, 0);
    state.setHello(hello(42));
    QCOMPARE(state.phase(), ServiceState::Phase::Running);
    QVERIFY(state.windowTitle().contains(QStringLiteral("pid 42")));
    QVERIFY(state.logLevel().isEmpty()); // an older service never says
    Tick t = tick(1);
    t.state = QStringLiteral("draining");
    t.drainLeftMs = 12000;
    t.logLevel = QStringLiteral("warning");
    state.applyTick(t);
    QCOMPARE(state.phase(), ServiceState::Phase::Draining);
    QCOMPARE(state.logLevel(), QStringLiteral("warning"));
    QVERIFY(state.drainLeftMs() <= 12000 && state.drainLeftMs() > 10000);
    QVERIFY(state.statusText().contains(QStringLiteral("draining")));
    QVERIFY(state.bannerText().contains(QStringLiteral("left")));
    state.setClientState(MonitorClient::State::Disconnected, 0);
    QCOMPARE(state.phase(), ServiceState::Phase::Disconnected);
    QVERIFY(state.statusText().startsWith(QStringLiteral("Disconnected from sock since")));
    QVERIFY(!state.bannerText().isEmpty());
    QVERIFY(state.windowTitle().endsWith(QStringLiteral("disconnected")));
    QVERIFY(state.logLevel().isEmpty()); // not known while away
}

void tst_GuiModels::layoutFitsAt800x500()
{
    // Every tab at 800x500, with numbers in it: no label squeezed or on top of another, tables
    // without a horizontal scroll bar while empty, and addresses not cut. As on a first start:
    // no column widths saved by another test.
    QSettings().clear();
    MainWindow window(QStringLiteral("afcgi-tst-no-such-socket"));
    QVERIFY2(window.minimumSizeHint().width() <= 800 && window.minimumSizeHint().height() <= 500,
             qPrintable(QStringLiteral("%1x%2").arg(window.minimumSizeHint().width()).arg(window.minimumSizeHint().height())));
    window.resize(800, 500);
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), QSize(800, 500));
    MonitorClient *client = window.client();
    Q_EMIT client->stateChanged(MonitorClient::State::Connected);
    Q_EMIT client->helloReceived(hello(10));
    Tick t = tick(1);
    t.totals = { 123456789, 1LL << 40, 1LL << 41, 123456, 65432, 10000, 65535, {}, 0, 0, 0, 0 };
    t.rates.requests = 1.41e6;
    t.rates.bytesOut = 1000.0 * 1024 * 1024;
    t.latency = { 1000, 0.152, 0.9, 32500, 60000, {} };
    Q_EMIT client->tickReceived(t);

    for (int tab = 0; tab < window.tabs()->count(); ++tab) {
        window.tabs()->setCurrentIndex(tab);
        QWidget *page = window.tabs()->currentWidget();
        QTRY_VERIFY(page->isVisible());
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        const QList<QLabel *> labels = page->findChildren<QLabel *>();
        QList<QRect> rects;
        for (QLabel *label : labels) {
            if (!label->isVisibleTo(page) || label->text().isEmpty())
                continue;
            const QRect r(label->mapTo(page, QPoint(0, 0)), label->size());
            QVERIFY2(r.height() >= label->minimumSizeHint().height(),
                     qPrintable(QStringLiteral("tab %1: \"%2\" squeezed").arg(tab).arg(label->text())));
            for (const QRect &other : std::as_const(rects))
                QVERIFY2(!r.intersects(other), qPrintable(QStringLiteral("tab %1: \"%2\" overlaps").arg(tab).arg(label->text())));
            rects.append(r);
        }
    }
    for (QTableView *view : { window.requestView(), window.completionView(), window.connectionView() }) {
        window.tabs()->setCurrentWidget(view == window.connectionView() ? static_cast<QWidget *>(view)
                                                                         : window.tabs()->widget(MainWindow::RequestsTab));
        QTRY_VERIFY(view->isVisible());
        int sum = 0;
        QStringList widths;
        for (int c = 0; c < view->model()->columnCount(); ++c) {
            sum += view->columnWidth(c);
            widths.append(QString::number(view->columnWidth(c)));
        }
        QVERIFY2(!view->horizontalScrollBar()->isVisible(),
                 qPrintable(QStringLiteral("%1: columns %2 = %3 in %4").arg(view->objectName(), widths.join(QLatin1Char('+'))).arg(sum).arg(view->viewport()->width())));
    }
    const QFontMetrics fm = window.connectionView()->fontMetrics();
    QVERIFY(window.connectionView()->columnWidth(ConnectionModel::PeerColumn)
            > fm.horizontalAdvance(QStringLiteral("127.0.0.1:55555")));
    QVERIFY(window.connectionView()->columnWidth(ConnectionModel::ListenerColumn)
            > fm.horizontalAdvance(QStringLiteral("127.0.0.1:9000")));
}

// A router's routes (hello r5 `patterns`) show beside their mount; a plain handler shows none.
void tst_GuiModels::routesShowTheirPatterns()
{
    RouteModel model;
    QAbstractItemModelTester tester(&model);
    model.setRoutes({{QStringLiteral("/hello"), QStringLiteral("builtin"), QString(), {}},
                     {QStringLiteral("/notes"), QStringLiteral("notes"), QStringLiteral("/opt/libnotes.so"),
                      {QStringLiteral("GET /notes/{id:int}"), QStringLiteral("DELETE /notes/{id:int}")}}});
    QCOMPARE(model.headerData(RouteModel::PatternsColumn, Qt::Horizontal).toString(), QStringLiteral("Routes"));
    QCOMPARE(model.index(0, RouteModel::PatternsColumn).data().toString(), QString());
    QCOMPARE(model.index(1, RouteModel::PatternsColumn).data().toString(),
             QStringLiteral("GET /notes/{id:int}, DELETE /notes/{id:int}"));
    QCOMPARE(model.index(1, RouteModel::PluginColumn).data().toString(), QStringLiteral("/opt/libnotes.so"));
}

// Each tick's `routes` (r7) fill the traffic columns of the Routes tab, matched by prefix.
void tst_GuiModels::routesTabShowsTraffic()
{
    RoutesPage page(nullptr);
    QAbstractItemModelTester tester(page.model());
    Hello hello;
    hello.routes = QList<Route>{{QStringLiteral("/hello"), QStringLiteral("builtin"), QString(), {}},
                                {QStringLiteral("/spin"), QStringLiteral("demo"), QString(), {}}};
    page.applyHello(hello);
    Tick tick;
    tick.routes = QList<RouteTraffic>{{QStringLiteral("/spin"), 3, 2, 1, 1, 4.0, 1, 700.0, 716.8},
                                      {QStringLiteral("/hello"), 1000, 0, 0, 0, 2000.0, 500, 0.084, 1.216}};
    page.applyTick(tick);
    const QAbstractItemModel *m = page.view()->model(); // what the view shows, sorted by prefix
    QCOMPARE(m->index(0, RouteModel::PrefixColumn).data().toString(), QStringLiteral("/hello"));
    QCOMPARE(m->index(0, RouteModel::RateColumn).data().toString(), format::perSecond(2000));
    QCOMPARE(m->index(0, RouteModel::P50Column).data().toString(), format::latency(0.084));
    QCOMPARE(m->index(0, RouteModel::P99Column).data().toString(), format::latency(1.216));
    QCOMPARE(m->index(1, RouteModel::ErrorsColumn).data().toString(), format::total(2));
    QCOMPARE(m->index(1, RouteModel::AbortsColumn).data(RouteModel::SortRole).toLongLong(), 1);
    QCOMPARE(m->index(1, RouteModel::BlockedColumn).data(RouteModel::SortRole).toLongLong(), 1);
    QVERIFY(m->index(1, RouteModel::BlockedColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!m->index(0, RouteModel::BlockedColumn).data(Qt::ForegroundRole).isValid());
    for (int column : {RouteModel::RateColumn, RouteModel::P50Column, RouteModel::P99Column,
                       RouteModel::ErrorsColumn, RouteModel::BlockedColumn})
        QVERIFY(!page.view()->isColumnHidden(column));
    QCOMPARE(m->headerData(RouteModel::P99Column, Qt::Horizontal).toString(), QStringLiteral("p99"));

    // A tick that lists only /hello: /spin ended nothing, its totals stay, its latency is blank.
    tick.routes = QList<RouteTraffic>{{QStringLiteral("/hello"), 1500, 0, 0, 0, 2000.0, 500, 0.084, 1.216}};
    page.applyTick(tick);
    QCOMPARE(m->index(1, RouteModel::RateColumn).data(RouteModel::SortRole).toDouble(), 0.0);
    QCOMPARE(m->index(1, RouteModel::P50Column).data().toString(), QString());
    QCOMPARE(m->index(1, RouteModel::ErrorsColumn).data(RouteModel::SortRole).toLongLong(), 2);
}

// A worker whose blocked count rose (r7) is flagged, for kFlagMs of the service's clock.
void tst_GuiModels::workersTabFlagsABlockedWorker()
{
    WorkersPage page(nullptr);
    WorkerModel *model = page.model();
    QAbstractItemModelTester tester(model);
    Tick tick;
    tick.timeMs = 1000000;
    tick.intervalMs = 250;
    tick.workers = QList<WorkerGauge>{{0, 1, 0, 10, 10, 0, 0}, {1, 1, 0, 10, 10, 0, 0}};
    page.applyTick(tick);
    QVERIFY(!model->rowAt(1).flagged);
    tick.timeMs += 250;
    tick.workers = QList<WorkerGauge>{{0, 1, 0, 10, 10, 0, 0}, {1, 1, 1, 11, 760, 700, 1}};
    page.applyTick(tick);
    QVERIFY(!model->rowAt(0).flagged);
    QVERIFY(model->rowAt(1).flagged);
    QCOMPARE(model->index(1, WorkerModel::BlockedColumn).data().toString(), format::total(1));
    QVERIFY(model->index(1, WorkerModel::WorkerColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model->index(0, WorkerModel::WorkerColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model->index(1, WorkerModel::LagColumn).data(Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(page.noteText().contains(QStringLiteral("blocked")));
    // Still flagged a while later, no longer once kFlagMs have passed without a new stall.
    tick.timeMs += WorkerModel::kFlagMs - 250;
    page.applyTick(tick);
    QVERIFY(model->rowAt(1).flagged);
    tick.timeMs += 500;
    page.applyTick(tick);
    QVERIFY(!model->rowAt(1).flagged);
    // A worker first seen with stalls (a monitor attached after them) is flagged too.
    WorkerModel fresh;
    tick.workers = QList<WorkerGauge>{{0, 1, 0, 10, 10, 0, 2}};
    fresh.applyTick(tick);
    QVERIFY(fresh.rowAt(0).flagged);
}

QTEST_MAIN(tst_GuiModels)
#include "tst_guimodels.moc"
