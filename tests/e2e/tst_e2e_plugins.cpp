// Applications as plugins in the real afcgid: `--app PREFIX=FILE` and [app:PREFIX] sections,
// each way a plugin can fail to load (a clear message naming the file, exit code 2, nothing
// listening), requests served by a loaded plugin, and the routes the monitor's hello lists.

#include "e2etest.h"

#include "cgiresponse.h"
#include "fcgiclient.h"
#include "linesplitter.h"
#include "monitorprotocol.h"

#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QtTest>

using afcgi::FcgiClient;
using e2e::ProcessFixture;

namespace {

struct RunResult
{
    int exitCode = -1;
    QByteArray err;
};

// Runs afcgid to its end (it must not start serving).
RunResult runAfcgid(const QStringList &arguments)
{
    RunResult result;
    QProcess process;
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(ProcessFixture::afcgidPath(), arguments);
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.err = process.readAllStandardError();
    return result;
}

// One GET over FastCGI: the status and body, or status 0.
afcgi::CgiResponse get(const QString &address, QByteArrayView uri)
{
    FcgiClient client;
    client.connectToServer(address);
    if (!client.waitForConnected(5000))
        return {0, {}, {}};
    const quint16 id = client.sendGet(uri);
    if (!QTest::qWaitFor([&] { return client.response(id).ended || !client.isConnected(); }, 5000)
        || !client.response(id).ended) {
        return {0, {}, {}};
    }
    return afcgi::parseCgiResponse(client.response(id).out).value_or(afcgi::CgiResponse{0, {}, {}});
}

// The first message on the monitor channel.
std::optional<afcgi::monitor::Hello> readHello(const QString &socketName)
{
    QLocalSocket socket;
    socket.connectToServer(socketName);
    afcgi::monitor::LineSplitter lines;
    std::optional<QByteArray> line;
    (void)QTest::qWaitFor([&] {
        if (socket.bytesAvailable() > 0 || socket.waitForReadyRead(50))
            lines.feed(socket.readAll());
        line = lines.next();
        return line.has_value();
    }, 5000);
    if (!line)
        return std::nullopt;
    auto message = afcgi::monitor::decodeMessage(*line);
    if (!message || !std::holds_alternative<afcgi::monitor::Hello>(*message))
        return std::nullopt;
    return std::get<afcgi::monitor::Hello>(*message);
}

} // namespace

class tst_E2ePlugins : public e2e::E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void loadErrors_data();
    void loadErrors();
    void configErrors_data();
    void configErrors();
    void servesPluginsWithTheirSettings();
};

void tst_E2ePlugins::loadErrors_data()
{
    QTest::addColumn<QString>("plugin");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("missing-file") << QStringLiteral(TEST_PLUGIN_DIR "/libnosuchapp.so")
                                  << QStringLiteral("no such file");
    QTest::newRow("wrong-major-version") << QStringLiteral(WRONGMAJOR_PLUGIN)
                                         << QStringLiteral("another major version of afcgi");
    QTest::newRow("not-a-plugin") << QStringLiteral(NOTAPLUGIN_LIBRARY)
                                  << QStringLiteral("not a Qt plugin");
#ifdef MISSINGSYMBOL_PLUGIN
    QTest::newRow("missing-symbol") << QStringLiteral(MISSINGSYMBOL_PLUGIN)
                                    << QStringLiteral("afcgi_test_symbol_nobody_defines");
#endif
    QTest::newRow("factory-fails") << QStringLiteral(FAILING_PLUGIN)
                                   << QStringLiteral("did not start: cannot open storage '/nowhere/notes.json'");
}

void tst_E2ePlugins::loadErrors()
{
    QFETCH(QString, plugin);
    QFETCH(QString, mentions);
    const QString socket = m_fixture->path(QStringLiteral("afcgi.sock"));
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"),
                                  "[app:/notes]\nstorage = /nowhere/notes.json\n", &error),
             qPrintable(error));
    const RunResult result = runAfcgid(
        {QStringLiteral("--listen"), QStringLiteral("unix:") + socket, QStringLiteral("--config"),
         m_fixture->path(QStringLiteral("afcgid.ini")), QStringLiteral("--app"),
         QStringLiteral("/notes=") + plugin, QStringLiteral("--monitor"), QStringLiteral("none")});
    QCOMPARE(result.exitCode, 2);
    const QString err = QString::fromUtf8(result.err);
    QVERIFY2(err.contains(plugin), qPrintable(err));
    QVERIFY2(err.contains(mentions), qPrintable(err));
    QVERIFY2(!QFile::exists(socket), "a listener was opened before the application failed");
}

void tst_E2ePlugins::configErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no-equals") << QStringList{QStringLiteral("--app"), QStringLiteral("/notes")}
                               << QByteArray() << QStringLiteral("expected PREFIX=FILE");
    QTest::newRow("prefix-not-a-path")
        << QStringList{QStringLiteral("--app"), QStringLiteral("notes=" TESTAPP_PLUGIN)}
        << QByteArray() << QStringLiteral("expected PREFIX=FILE");
    QTest::newRow("prefix-twice")
        << QStringList{QStringLiteral("--app"), QStringLiteral("/a=" TESTAPP_PLUGIN),
                       QStringLiteral("--app"), QStringLiteral("/a/=" TESTAPP_PLUGIN)}
        << QByteArray() << QStringLiteral("/a is given twice");
    QTest::newRow("section-without-plugin")
        << QStringList() << QByteArray("[app:/notes]\nstorage = x\n")
        << QStringLiteral("[app:/notes]: no plugin file");
    QTest::newRow("section-plugin-missing")
        << QStringList() << QByteArray("[app:/notes]\nplugin = /nowhere/libnotes.so\n")
        << QStringLiteral("[app:/notes] plugin = /nowhere/libnotes.so: no such file");
    QTest::newRow("builtin-prefix")
        << QStringList{QStringLiteral("--app"), QStringLiteral("/hello=" TESTAPP_PLUGIN)}
        << QByteArray() << QStringLiteral("/hello is already served by builtin");
}

void tst_E2ePlugins::configErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, ini);
    QFETCH(QString, mentions);
    if (!ini.isEmpty()) {
        QString error;
        QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"), ini, &error), qPrintable(error));
        arguments << QStringLiteral("--config") << m_fixture->path(QStringLiteral("afcgid.ini"));
    }
    const RunResult result = runAfcgid(arguments + QStringList{QStringLiteral("--listen"),
                                                               QStringLiteral("127.0.0.1:0")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(QString::fromUtf8(result.err).contains(mentions), result.err.constData());
}

// Two instances of one plugin: one from a config section (its plugin path relative to the file)
// with its own keys, one from --app with the defaults. Then the monitor's view of the routes.
void tst_E2ePlugins::servesPluginsWithTheirSettings()
{
    const QString pluginDir = QStringLiteral(TESTAPP_PLUGIN).section(QLatin1Char('/'), 0, -2);
    const QString relative = QDir(m_fixture->dirPath()).relativeFilePath(QStringLiteral(TESTAPP_PLUGIN));
    QVERIFY(!pluginDir.isEmpty());
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"),
                                  "[app:/greet/]\nplugin = " + relative.toUtf8()
                                      + "\ngreeting = good morning\n",
                                  &error),
             qPrintable(error));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    const QString monitor = m_fixture->path(QStringLiteral("monitor.sock"));
    QVERIFY2(m_fixture->startAfcgid({QStringLiteral("--listen"), address, QStringLiteral("--config"),
                                     m_fixture->path(QStringLiteral("afcgid.ini")),
                                     QStringLiteral("--app"), QStringLiteral("/other=" TESTAPP_PLUGIN),
                                     QStringLiteral("--threads"), QStringLiteral("2")},
                                    address, &error),
             qPrintable(error));

    const struct
    {
        const char *uri;
        QByteArray body;
    } expected[] = {
        {"/greet", "testapp: good morning /greet\n"},
        {"/greet/x?y=1", "testapp: good morning /greet/x\n"},
        {"/greet/items/7", "testapp items: /greet/items/7\n"},
        {"/other", "testapp: hello /other\n"},
        {"/other/items", "testapp items: /other/items\n"},
        {"/greet/api/7", "testapp api: 7\n"},
    };
    for (const auto &e : expected) {
        const afcgi::CgiResponse response = get(address, e.uri);
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, e.body);
    }
    QCOMPARE(get(address, "/hello").status, 200); // the built-ins stay
    QVERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("application testapp from"));

    const auto hello = readHello(monitor);
    QVERIFY(hello);
    QVERIFY(hello->routes);
    const auto routeOf = [&](const QString &prefix) -> std::optional<afcgi::monitor::Route> {
        for (const afcgi::monitor::Route &route : *hello->routes) {
            if (route.prefix == prefix)
                return route;
        }
        return std::nullopt;
    };
    QCOMPARE(routeOf(QStringLiteral("/hello"))->app, QStringLiteral("builtin"));
    QVERIFY(routeOf(QStringLiteral("/hello"))->plugin.isEmpty());
    for (const QString &prefix : {QStringLiteral("/greet"), QStringLiteral("/greet/items"),
                                 QStringLiteral("/other"), QStringLiteral("/other/items")}) {
        const auto route = routeOf(prefix);
        QVERIFY2(route, qPrintable(prefix));
        QCOMPARE(route->app, QStringLiteral("testapp"));
        QCOMPARE(QFileInfo(route->plugin).canonicalFilePath(),
                 QFileInfo(QStringLiteral(TESTAPP_PLUGIN)).canonicalFilePath());
    }
    // A router's routes are listed under its mount, with their methods.
    QCOMPARE(routeOf(QStringLiteral("/greet/api"))->patterns, QStringList{QStringLiteral("GET /greet/api/{id:int}")});
    QCOMPARE(routeOf(QStringLiteral("/other/api"))->patterns, QStringList{QStringLiteral("GET /other/api/{id:int}")});
    QVERIFY(routeOf(QStringLiteral("/greet"))->patterns.isEmpty());
    QStringList prefixes;
    for (const afcgi::monitor::Route &route : *hello->routes)
        prefixes << route.prefix;
    QStringList sorted = prefixes;
    sorted.sort();
    QCOMPARE(prefixes, sorted);
}

QTEST_GUILESS_MAIN(tst_E2ePlugins)
#include "tst_e2e_plugins.moc"
