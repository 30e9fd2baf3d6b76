// What afcgi-monitor hands out: CSV fields (quoting, formula guard), the completions as CSV with
// raw values, the log as text, a request's details, and files written whole or not at all. Also
// the window's File menu and the requests tables' "Copy request details", without a service.

#include "completionmodel.h"
#include "exportactions.h"
#include "exports.h"
#include "logmodel.h"
#include "mainwindow.h"
#include "requesttablemodel.h"

#include <QAbstractProxyModel>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace afcgi::gui;
using namespace afcgi::monitor;

namespace {
constexpr qint64 kT0 = 1700000000000; // 2023-11-14T22:13:20.000Z

RequestInfo completion(quint16 id, const QString &uri, int status, bool aborted = false)
{
    RequestInfo r;
    r.connectionId = 7;
    r.requestId = id;
    r.role = QStringLiteral("RESPONDER");
    r.method = QStringLiteral("POST");
    r.uri = uri;
    r.startMs = kT0;
    r.durationMs = 1500;
    r.status = status;
    r.aborted = aborted;
    r.bytesIn = 12;
    r.bytesOut = 1048576;
    return r;
}
} // namespace

class tst_Exports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void csvField_data();
    void csvField();
    void completionsAsCsv();
    void logAsText();
    void requestDetails();
    void fileWrittenWholeOrNotAtAll();
    void windowOffersThem();
};

void tst_Exports::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the window's QSettings go to a test location
}

void tst_Exports::csvField_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << QStringLiteral("/hello") << QStringLiteral("/hello");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("comma") << QStringLiteral("/a,b") << QStringLiteral("\"/a,b\"");
    QTest::newRow("quote") << QStringLiteral("/say \"hi\"") << QStringLiteral("\"/say \"\"hi\"\"\"");
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("\"a\nb\"");
    QTest::newRow("carriage-return") << QStringLiteral("a\rb") << QStringLiteral("\"a\rb\"");
    QTest::newRow("formula") << QStringLiteral("=HYPERLINK(\"x\")") << QStringLiteral("\"'=HYPERLINK(\"\"x\"\")\"");
    QTest::newRow("plus") << QStringLiteral("+1") << QStringLiteral("'+1");
    QTest::newRow("minus") << QStringLiteral("-1") << QStringLiteral("'-1");
    QTest::newRow("at") << QStringLiteral("@SUM(A1)") << QStringLiteral("'@SUM(A1)");
    QTest::newRow("tab") << QStringLiteral("\tx") << QStringLiteral("'\tx");
    QTest::newRow("equals-inside") << QStringLiteral("/q?a=1") << QStringLiteral("/q?a=1");
    QTest::newRow("unicode") << QStringLiteral("/caf\u00e9") << QStringLiteral("/caf\u00e9");
}

void tst_Exports::csvField()
{
    QFETCH(QString, value);
    QFETCH(QString, field);
    QCOMPARE(exports::csvField(value), field);
}

void tst_Exports::completionsAsCsv()
{
    CompletionModel model;
    QCOMPARE(exports::completionsCsv(model),
             QStringLiteral("ended,connection,request,method,uri,status,aborted,duration_ms,bytes_in,bytes_out\r\n"));
    model.addCompleted({completion(1, QStringLiteral("/a,b"), 200), completion(2, QStringLiteral("/gone"), 0, true)});
    const QStringList lines = exports::completionsCsv(model).split(QStringLiteral("\r\n"));
    QCOMPARE(lines.size(), 4); // header, two rows, and the empty rest after the last CRLF
    QCOMPARE(lines.at(1), QStringLiteral("2023-11-14T22:13:21.500Z,7,1,POST,\"/a,b\",200,false,1500,12,1048576"));
    QCOMPARE(lines.at(2), QStringLiteral("2023-11-14T22:13:21.500Z,7,2,POST,/gone,,true,1500,12,1048576"));
    QVERIFY(lines.at(3).isEmpty());
}

void tst_Exports::logAsText()
{
    LogModel model;
    model.append(QList<LogEntry>{{kT0, QStringLiteral("info"), QStringLiteral("afcgi.server.engine"), QStringLiteral("started")},
                                 {kT0 + 1, QStringLiteral("warning"), QStringLiteral("afcgi.server.conn"), QStringLiteral("closed")}});
    const QString text = exports::logText(model);
    QCOMPARE(text.count(QLatin1Char('\n')), 2);
    QCOMPARE(text, model.lineAt(0) + QLatin1Char('\n') + model.lineAt(1) + QLatin1Char('\n'));
    QVERIFY(text.contains(QStringLiteral(" warning afcgi.server.conn: closed\n")));
}

void tst_Exports::requestDetails()
{
    RequestInfo ended = completion(3, QStringLiteral("/upload"), 502);
    ended.note = QStringLiteral("cgi pid 4242 git-http-backend");
    const QString done = exports::requestDetails(ended, true, 0);
    QCOMPARE(done, QStringLiteral("Request: 3 on connection 7\nMethod: POST\nURI: /upload\nRole: RESPONDER\n"
                                  "Started: 2023-11-14T22:13:20.000Z\nDuration: 1500 ms\nStatus: 502\n"
                                  "Bytes in: 12\nBytes out: 1048576\nNote: cgi pid 4242 git-http-backend\n"));
    RequestInfo running = completion(4, QStringLiteral("/stream"), 0);
    running.durationMs = 0;
    const QString active = exports::requestDetails(running, false, kT0 + 2500);
    QVERIFY2(active.contains(QStringLiteral("Age: 2500 ms (still running)\n")), qPrintable(active));
    QVERIFY(!active.contains(QStringLiteral("Status")));
    QVERIFY(exports::requestDetails(completion(5, QStringLiteral("/x"), 0, true), true, 0)
                .contains(QStringLiteral("Status: none sent (aborted)\n")));
}

void tst_Exports::fileWrittenWholeOrNotAtAll()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("out.csv"));
    QString error;
    QVERIFY2(exports::writeTextFile(path, QStringLiteral("caf\u00e9\n"), &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("caf\xc3\xa9\n"));
    QVERIFY(!exports::writeTextFile(dir.filePath(QStringLiteral("missing/out.csv")), QStringLiteral("x"), &error));
    QVERIFY(!error.isEmpty());
}

void tst_Exports::windowOffersThem()
{
    // No service: the window only needs its models. A name nobody serves keeps it disconnected.
    MainWindow window(QStringLiteral("afcgi-tst-exports-nobody"));
    QStringList fileEntries;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->text() == QStringLiteral("&File")) {
            for (QAction *entry : menu->menu()->actions())
                fileEntries.append(entry->text());
        }
    }
    QVERIFY2(fileEntries.contains(QStringLiteral("Export completed requests as &CSV…")), qPrintable(fileEntries.join(u'|')));
    QVERIFY(fileEntries.contains(QStringLiteral("Export &log as text…")));

    QTableView *view = window.completionView();
    auto *model = qobject_cast<CompletionModel *>(qobject_cast<QAbstractProxyModel *>(view->model())->sourceModel());
    QVERIFY(model);
    model->addCompleted({completion(1, QStringLiteral("/first"), 200), completion(2, QStringLiteral("/second"), 404)});
    QAction *copy = view->findChild<QAction *>(QStringLiteral("copyDetails"));
    QVERIFY(copy);
    QCOMPARE(copy->shortcut(), QKeySequence(QKeySequence::Copy));
    QVERIFY(view->actions().contains(copy)); // in the table's context menu
    QCOMPARE(window.exportActions()->selectedRequestDetails(view), QString());
    view->selectRow(0); // sorted newest first: both ended at once, so either; find which
    const QString details = window.exportActions()->selectedRequestDetails(view);
    QVERIFY2(details.contains(QStringLiteral("URI: /first\n")) || details.contains(QStringLiteral("URI: /second\n")),
             qPrintable(details));
    QCOMPARE(details.count(QStringLiteral("Request: ")), 1);
    copy->trigger();
    QCOMPARE(QApplication::clipboard()->text(), details);

    QTemporaryDir dir;
    QString error;
    const QString path = dir.filePath(QStringLiteral("completions.csv"));
    QVERIFY2(window.exportActions()->exportCompletionsTo(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), exports::completionsCsv(*model));
}

QTEST_MAIN(tst_Exports)
#include "tst_exports.moc"
