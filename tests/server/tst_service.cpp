// afcgi::Service through the public headers only, as an application's own main() uses it:
// built from command-line arguments, a handler mounted beside the built-ins, real requests.
#include <afcgi/handler.h>
#include <afcgi/request.h>
#include <afcgi/router.h>
#include <afcgi/serverinfo.h>
#include <afcgi/service.h>

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

using namespace afcgi;

namespace {

// Answers with its name and the path routing saw.
class EchoPathHandler final : public Handler
{
public:
    void handle(Request *request) override
    {
        request->respond(200, "text/plain", "app " + request->path().toUtf8() + '\n');
    }
};

QStringList argumentsFor(const QStringList &options)
{
    return QStringList{QStringLiteral("afcgid")} + options;
}

} // namespace

class tst_Service : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void rejectsBadArguments_data();
    void rejectsBadArguments();
    void helpAndVersion();
    void servesMountedHandlersAndBuiltins();

private:
    static std::optional<CgiResponse> get(const QString &address, QByteArrayView uri);
};

void tst_Service::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_Service::rejectsBadArguments_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown-option") << QStringList{QStringLiteral("--no-such-option")}
                                    << QStringLiteral("no-such-option");
    QTest::newRow("threads-not-a-number")
        << QStringList{QStringLiteral("--threads"), QStringLiteral("many")} << QStringLiteral("threads");
    QTest::newRow("bad-listen-address")
        << QStringList{QStringLiteral("--listen"), QStringLiteral("nowhere:x")}
        << QStringLiteral("nowhere:x");
}

void tst_Service::rejectsBadArguments()
{
    QFETCH(QStringList, options);
    QFETCH(QString, mentions);
    Service service(argumentsFor(options));
    QVERIFY(!service.isValid());
    QVERIFY2(service.errorString().contains(mentions), qPrintable(service.errorString()));
    QString error;
    QVERIFY(!service.start(&error));
    QCOMPARE(error, service.errorString());
}

void tst_Service::helpAndVersion()
{
    Service help(argumentsFor({QStringLiteral("--help")}));
    QVERIFY(help.isValid());
    QVERIFY(help.helpRequested());
    QVERIFY(!help.versionRequested());
    QVERIFY2(help.helpText().contains(QLatin1String("--listen")), qPrintable(help.helpText()));

    Service version(argumentsFor({QStringLiteral("--version")}));
    QVERIFY(version.isValid());
    QVERIFY(version.versionRequested());
    QVERIFY(!version.helpRequested());
}

std::optional<CgiResponse> tst_Service::get(const QString &address, QByteArrayView uri)
{
    FcgiClient client;
    client.connectToServer(address);
    const quint16 id = client.sendGet(uri);
    if (id == 0 || !QTest::qWaitFor([&] { return client.response(id).ended; }, 5000))
        return std::nullopt;
    return parseCgiResponse(client.response(id).out);
}

void tst_Service::servesMountedHandlersAndBuiltins()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString address = QStringLiteral("unix:") + dir.filePath(QStringLiteral("app.sock"));
    Service service(argumentsFor({QStringLiteral("--listen"), address, QStringLiteral("--threads"),
                                  QStringLiteral("1"), QStringLiteral("--monitor"),
                                  QStringLiteral("none"), QStringLiteral("--log-level"),
                                  QStringLiteral("warning")}));
    QVERIFY2(service.isValid(), qPrintable(service.errorString()));
    service.router().mount(QStringLiteral("/app"), std::make_shared<EchoPathHandler>());
    QString error;
    QVERIFY2(service.start(&error), qPrintable(error));

    const auto app = get(address, "/app/notes/%31?x=1");
    QVERIFY(app);
    QCOMPARE(app->status, 200);
    QCOMPARE(app->body, QByteArray("app /app/notes/1\n"));
    const auto hello = get(address, "/hello");
    QVERIFY(hello);
    QCOMPARE(hello->body, QByteArray("Hello world\n"));
    const auto missing = get(address, "/nothing-here");
    QVERIFY(missing);
    QCOMPARE(missing->status, 404);

    const ServerInfo &info = service.serverInfo();
    QCOMPARE(info.workerCount(), 1);
    QCOMPARE(info.listenerNames(), QStringList{address});
    QTRY_COMPARE(info.counters().requestsTotal, qint64(3));
    QTRY_COMPARE(info.counters().requestsActive, qint64(0));
    QCOMPARE(info.counters().requestsByStatusClass[2], qint64(2));
    QCOMPARE(info.counters().requestsByStatusClass[4], qint64(1));
    QCOMPARE(info.durationHistogram({3600.0}), (QList<qint64>{3, 3}));
}

QTEST_GUILESS_MAIN(tst_Service)
#include "tst_service.moc"
