// The CGI bridge in the engine, with real programs (shell scripts) behind a real FastCGI client:
// both ways of naming the program, meta-variables, streaming both ways with flow control,
// malformed output, time limits, aborts, the child limit and its queue, nph- programs, local
// redirects, stderr, what /status and /metrics show, and that every child is reaped.
#include "enginetestcase.h"
#include "procinspect.h"

#include "handlers/cgi/cgibridge.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

using namespace afcgi;
using namespace enginetest;
using fixtures::blockedIn;
using fixtures::groupSize;
using fixtures::zombiesOf;

namespace {

constexpr int kWaitMs = 10000;
constexpr int kKillGraceMs = 200;
constexpr int kSlowTimeoutMs = 300;

} // namespace

class tst_CgiBridge : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void mountedProgramGetsMetaVariables();
    void rootScripts_data();
    void rootScripts();
    void statusAndFieldsPassedOn();
    void bodyStreamsThroughBothWays();
    void outputStreamsAsItComes();
    void answerWaitsForTheWholeBody();
    void slowReaderStallsTheProgramNotMemory();
    void programThatDoesNotReadItsBody();
    void badOutput_data();
    void badOutput();
    void killedAfterItsHeaders();
    void timeoutBeforeAnyOutput();
    void timeoutAfterTheHeaders();
    void abortKillsTheProcessGroup();
    void limitQueueAndReject();
    void nphProgram();
    void localRedirects();
    void stderrToLogAndFastCgi();
    void statusAndMetricsShowChildren();
    void programThatCannotRun();

private:
    QString script(const QString &name, const QByteArray &body, const QString &dir = QStringLiteral("cgi-bin"));
    CgiConfig config() const;
    // The bridge and an engine in front of it; the engine goes first.
    struct Stack
    {
        std::unique_ptr<CgiBridge> bridge;
        std::unique_ptr<TestServer> server;
        FcgiClient *client = nullptr;
    };
    std::unique_ptr<Stack> startStack(const CgiConfig &cgi);
    static quint16 get(FcgiClient &client, QByteArrayView uri, const NameValueList &extra = {});
    NameValueList rootParams(const QString &script) const;
    QTemporaryDir m_dir;
};

void tst_CgiBridge::initTestCase()
{
    EngineTestCase::initTestCase();
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("cgi-bin/sub")));
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("outside")));
    script(QStringLiteral("env.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nenv\n");
    script(QStringLiteral("echo.sh"), "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\nexec cat\n");
    script(QStringLiteral("lines.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfirst\\n'\nread line\n"
                                      "printf 'second:%s\\n' \"$line\"\n");
    script(QStringLiteral("gated.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nfirst\\n'\n"
                                      "read line < \"$HTTP_X_GATE\"\nprintf 'second:%s\\n' \"$line\"\n");
    script(QStringLiteral("big.sh"), "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\n"
                                    "exec head -c 33554432 /dev/zero\n");
    script(QStringLiteral("noread.sh"), "#!/bin/sh\nprintf 'Status: 201 Created\\nContent-Type: text/plain\\n\\ndone\\n'\n");
    script(QStringLiteral("status.sh"), "#!/bin/sh\nprintf 'Status: 404 Not Here\\nContent-Type: text/html\\n"
                                       "Set-Cookie: a=1\\nSet-Cookie: b=2\\nX-Folded: one\\n two\\n\\n<p>gone</p>'\n");
    script(QStringLiteral("forever.sh"), "#!/bin/sh\nsleep 600 &\nwait\n");
    script(QStringLiteral("forever-after-header.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nstarted\\n'\n"
                                                     "trap '' TERM\nsleep 600 &\nwait\n");
    script(QStringLiteral("blocker.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nread line\necho \"got $line\"\n");
    script(QStringLiteral("stderr.sh"), "#!/bin/sh\necho 'something odd happened' >&2\n"
                                       "printf 'Content-Type: text/plain\\n\\nok'\necho 'and no newline' >&2\n");
    script(QStringLiteral("nph-test.sh"), "#!/bin/sh\nprintf 'HTTP/1.1 202 Accepted\\r\\nContent-Type: text/plain\\r\\n"
                                         "Connection: close\\r\\n\\r\\nnph body'\n");
    script(QStringLiteral("redirect.sh"), "#!/bin/sh\ncase \"$PATH_INFO\" in\n"
                                         "/first) printf 'Location: /app/second?x=1\\n\\n' ;;\n"
                                         "/loop) printf 'Location: /app/loop\\n\\n' ;;\n"
                                         "/outside) printf 'Location: /elsewhere\\n\\n' ;;\n"
                                         "*) printf 'Content-Type: text/plain\\n\\npath=%s query=%s\\n' \"$PATH_INFO\" \"$QUERY_STRING\" ;;\n"
                                         "esac\n");
    script(QStringLiteral("noheader.sh"), "#!/bin/sh\necho hello\necho world\n");
    script(QStringLiteral("truncated.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n'\n");
    script(QStringLiteral("silent.sh"), "#!/bin/sh\nexit 3\n");
    script(QStringLiteral("killed.sh"), "#!/bin/sh\nprintf 'Content-Type: text/pl'\nkill -KILL $$\n");
    script(QStringLiteral("badstatus.sh"), "#!/bin/sh\nprintf 'Status: 99 Low\\n\\n'\n");
    script(QStringLiteral("term-after-header.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\npartial'\nkill -TERM $$\n");
    script(QStringLiteral("sub/inner.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ninner %s' \"$(pwd)\"\n");
    script(QStringLiteral("plain.sh"), "#!/bin/sh\n");
    QFile::setPermissions(m_dir.filePath(QStringLiteral("cgi-bin/plain.sh")), QFile::ReadOwner | QFile::WriteOwner);
    script(QStringLiteral("secret.sh"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nsecret'\n", QStringLiteral("outside"));
    QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("outside/secret.sh")), m_dir.filePath(QStringLiteral("cgi-bin/escape.sh"))));
    QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("cgi-bin/env.sh")), m_dir.filePath(QStringLiteral("cgi-bin/alias.sh"))));
}

void tst_CgiBridge::cleanup()
{
    QTRY_COMPARE_WITH_TIMEOUT(zombiesOf(::getpid()), 0, kWaitMs); // every child reaped, after every test
    EngineTestCase::cleanup();
}

QString tst_CgiBridge::script(const QString &name, const QByteArray &body, const QString &dir)
{
    const QString path = m_dir.filePath(dir + QLatin1Char('/') + name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(body);
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

CgiConfig tst_CgiBridge::config() const
{
    CgiConfig cgi;
    cgi.roots = {m_dir.filePath(QStringLiteral("cgi-bin"))};
    cgi.environment = {{"CONFIGURED_FOR_ALL", "yes"}};
    const auto mount = [this](const char *prefix, const char *program, NameValueList env = {}, int timeoutMs = -1) {
        CgiMount m;
        m.prefix = QLatin1String(prefix);
        m.program = m_dir.filePath(QStringLiteral("cgi-bin/") + QLatin1String(program));
        m.environment = std::move(env);
        m.timeoutMs = timeoutMs;
        m.section = QStringLiteral("[cgi %1]").arg(m.prefix);
        return m;
    };
    cgi.mounts = {mount("/env", "env.sh", {{"GIT_PROJECT_ROOT", "/srv/git"}}),
                  mount("/app", "redirect.sh"),
                  mount("/slow", "forever.sh", {}, kSlowTimeoutMs),
                  mount("/slow-after-header", "forever-after-header.sh", {}, kSlowTimeoutMs)};
    return cgi;
}

std::unique_ptr<tst_CgiBridge::Stack> tst_CgiBridge::startStack(const CgiConfig &cgi)
{
    auto stack = std::make_unique<Stack>();
    stack->bridge = std::make_unique<CgiBridge>(cgi, 256 * 1024, kKillGraceMs);
    stack->server = std::make_unique<TestServer>(QStringLiteral("tcp"), defaultConfig(),
                                                 QList<const StatusSource *>{stack->bridge.get()});
    stack->bridge->mount(stack->server->engine().router());
    if (!stack->server->start())
        return nullptr;
    stack->client = stack->server->connectClient();
    return stack->client ? std::move(stack) : nullptr;
}

quint16 tst_CgiBridge::get(FcgiClient &client, QByteArrayView uri, const NameValueList &extra)
{
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", uri) + extra);
    client.sendStdin(id, {});
    return id;
}

NameValueList tst_CgiBridge::rootParams(const QString &script) const
{
    return {{"DOCUMENT_ROOT", QFile::encodeName(m_dir.filePath(QStringLiteral("cgi-bin")))},
            {"SCRIPT_FILENAME", QFile::encodeName(m_dir.filePath(QStringLiteral("cgi-bin/") + script))}};
}

void tst_CgiBridge::mountedProgramGetsMetaVariables()
{
    qputenv("AFCGI_TEST_SECRET", "not-for-children");
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/env/some/path?q=1", {{"HTTP_PROXY", "http://evil"}});
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const auto response = parse(stack->client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const QByteArray env = response->body;
    for (const char *line : {"SCRIPT_NAME=/env\n", "PATH_INFO=/some/path\n", "QUERY_STRING=q=1\n",
                             "REQUEST_METHOD=GET\n", "GATEWAY_INTERFACE=CGI/1.1\n", "GIT_PROJECT_ROOT=/srv/git\n",
                             "CONFIGURED_FOR_ALL=yes\n", "PATH=/usr/local/bin:/usr/bin:/bin\n"}) {
        QVERIFY2(env.contains(line), line);
    }
    QVERIFY(env.contains("SCRIPT_FILENAME=" + QFile::encodeName(m_dir.filePath(QStringLiteral("cgi-bin/env.sh")))));
    for (const char *absent : {"AFCGI_TEST_SECRET=", "HTTP_PROXY=", "HOME="})
        QVERIFY2(!env.contains(absent), absent);
    QCOMPARE(stack->client->response(id).appStatus, 0u);
}

void tst_CgiBridge::rootScripts_data()
{
    QTest::addColumn<QByteArray>("scriptFilename"); // relative to the temporary directory
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("script") << QByteArray("cgi-bin/sub/inner.sh") << 200 << QByteArray("inner @/cgi-bin/sub");
    QTest::newRow("symlink-inside") << QByteArray("cgi-bin/alias.sh") << 200 << QByteArray("SCRIPT_FILENAME=@/cgi-bin/alias.sh");
    QTest::newRow("missing") << QByteArray("cgi-bin/nope.sh") << 404 << QByteArray("Not Found\n");
    QTest::newRow("outside") << QByteArray("outside/secret.sh") << 403 << QByteArray("Forbidden\n");
    QTest::newRow("dot-dot") << QByteArray("cgi-bin/../outside/secret.sh") << 403 << QByteArray("Forbidden\n");
    QTest::newRow("symlink-escaping") << QByteArray("cgi-bin/escape.sh") << 403 << QByteArray("Forbidden\n");
    QTest::newRow("not-executable") << QByteArray("cgi-bin/plain.sh") << 403 << QByteArray("Forbidden\n");
    QTest::newRow("directory") << QByteArray("cgi-bin/sub") << 403 << QByteArray("Forbidden\n");
    QTest::newRow("none") << QByteArray() << 404 << QByteArray("Not Found\n");
}

void tst_CgiBridge::rootScripts()
{
    QFETCH(QByteArray, scriptFilename);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    // Each refusal is logged with its reason, at info level (tst_cgiscriptresolver checks them).
    auto stack = startStack(config());
    QVERIFY(stack);
    NameValueList extra;
    if (!scriptFilename.isEmpty())
        extra.append({"SCRIPT_FILENAME", QFile::encodeName(m_dir.path()) + '/' + scriptFilename});
    const quint16 id = get(*stack->client, "/cgi-bin/whatever", extra);
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const auto response = parse(stack->client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, status);
    body.replace('@', QFile::encodeName(QFileInfo(m_dir.path()).canonicalFilePath()));
    if (status == 200 && QTest::currentDataTag() == QLatin1String("symlink-inside"))
        body.replace(QFile::encodeName(QFileInfo(m_dir.path()).canonicalFilePath()), QFile::encodeName(m_dir.path()));
    QVERIFY2(response->body.contains(body), response->body.constData());
}

void tst_CgiBridge::statusAndFieldsPassedOn()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/status.sh", rootParams(QStringLiteral("status.sh")));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const QByteArray out = stack->client->response(id).out;
    QVERIFY2(out.startsWith("Status: 404 Not Here\r\n"), out.constData());
    QVERIFY(out.contains("Content-Type: text/html\r\n"));
    QVERIFY(out.contains("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"));
    QVERIFY(out.contains("X-Folded: one two\r\n"));
    QVERIFY(out.endsWith("\r\n\r\n<p>gone</p>"));
}

void tst_CgiBridge::bodyStreamsThroughBothWays()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    QByteArray body(8 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < body.size(); ++i)
        body[i] = char((i * 131) >> 3);
    const quint16 id = stack->client->beginRequest(
        FcgiClient::requestParams("POST", "/echo.sh", body.size(), "application/octet-stream")
        + rootParams(QStringLiteral("echo.sh")));
    for (qsizetype at = 0; at < body.size(); at += 60000)
        stack->client->sendStdin(id, QByteArrayView(body).sliced(at, qMin<qsizetype>(60000, body.size() - at)));
    stack->client->sendStdin(id, {});
    QVERIFY(waitEnded(*stack->client, id, 30000));
    const auto response = parse(stack->client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body.size(), body.size());
    QVERIFY(response->body == body);
}

void tst_CgiBridge::outputStreamsAsItComes()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    const QString gate = m_dir.filePath(QStringLiteral("gate"));
    QFile::remove(gate);
    QCOMPARE(::mkfifo(QFile::encodeName(gate).constData(), 0600), 0);
    const quint16 id = get(*stack->client, "/gated.sh",
                           rootParams(QStringLiteral("gated.sh")) + NameValueList{{"HTTP_X_GATE", QFile::encodeName(gate)}});
    // The first line arrives while the program still waits at its gate: nothing is buffered.
    QVERIFY(waitFor([&] { return stack->client->response(id).out.contains("first\n"); }, kWaitMs));
    QVERIFY(!stack->client->response(id).ended);
    QFile opener(gate);
    QVERIFY(opener.open(QIODevice::WriteOnly)); // the program has it open for reading already
    opener.write("open\n");
    opener.close();
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QVERIFY(stack->client->response(id).out.endsWith("first\nsecond:open\n"));
}

void tst_CgiBridge::answerWaitsForTheWholeBody()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = stack->client->beginRequest(
        FcgiClient::requestParams("POST", "/lines.sh", -1, "text/plain") + rootParams(QStringLiteral("lines.sh")));
    stack->client->sendStdin(id, "hel");
    // The program has written its header and first line, and waits for the rest of its line.
    qint64 pid = 0;
    QVERIFY(waitFor([&] {
        const QList<CgiChildInfo> children = stack->bridge->table().children();
        pid = children.isEmpty() ? 0 : children.first().pid;
        return pid != 0 && blockedIn(pid, "pipe_read");
    }, kWaitMs));
    // Two requests answered after that on the same connection: the engine has turned its loop
    // with that output ready, and held it, because the request's body has not come whole.
    for (int round = 0; round < 2; ++round) {
        const quint16 other = get(*stack->client, "/hello");
        QVERIFY(waitEnded(*stack->client, other, kWaitMs));
    }
    QCOMPARE(stack->client->response(id).out, QByteArray());
    stack->client->sendStdin(id, "lo\n");
    stack->client->sendStdin(id, {});
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QVERIFY(stack->client->response(id).out.endsWith("first\nsecond:hello\n"));
}

void tst_CgiBridge::slowReaderStallsTheProgramNotMemory()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    stack->client->setReadingPaused(true);
    const quint16 id = get(*stack->client, "/big.sh", rootParams(QStringLiteral("big.sh")));
    // The program blocks on its full stdout pipe, having written a small part of its 32 MiB.
    qint64 pid = 0;
    QVERIFY(waitFor([&] {
        const QList<CgiChildInfo> children = stack->bridge->table().children();
        pid = children.isEmpty() ? 0 : children.first().pid;
        return pid != 0 && blockedIn(pid, "pipe_write");
    }, kWaitMs));
    const qint64 readSoFar = stack->bridge->table().children().first().bytesOut;
    QVERIFY2(readSoFar < 16 * 1024 * 1024, qPrintable(QString::number(readSoFar)));
    stack->client->setReadingPaused(false);
    QVERIFY(waitEnded(*stack->client, id, 30000));
    const auto response = parse(stack->client->response(id));
    QVERIFY(response);
    QCOMPARE(response->body.size(), qsizetype(32 * 1024 * 1024));
}

void tst_CgiBridge::programThatDoesNotReadItsBody()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    const QByteArray body(10 * 1024 * 1024, 'x');
    for (int round = 0; round < 2; ++round) {
        const quint16 id = stack->client->beginRequest(
            FcgiClient::requestParams("POST", "/noread.sh", body.size(), "application/octet-stream")
            + rootParams(QStringLiteral("noread.sh")));
        stack->client->sendStdin(id, body);
        stack->client->sendStdin(id, {});
        QVERIFY(waitEnded(*stack->client, id, 30000));
        const auto response = parse(stack->client->takeResponse(id));
        QVERIFY(response);
        QCOMPARE(response->status, 201);
        QCOMPARE(response->body, QByteArray("done\n"));
    }
    // The connection is as good as new.
    const quint16 next = get(*stack->client, "/hello");
    QVERIFY(waitEnded(*stack->client, next, kWaitMs));
    QCOMPARE(parse(stack->client->response(next))->status, 200);
}

void tst_CgiBridge::badOutput_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("warning");
    QTest::newRow("no-header") << QStringLiteral("noheader.sh")
                               << QStringLiteral("noheader.sh \\(pid \\d+\\): 502: a line that is not a header field.*began with \"hello\\\\n");
    QTest::newRow("truncated") << QStringLiteral("truncated.sh")
                               << QStringLiteral("truncated.sh .*502: output that ended inside the header block \\(exited with code 0\\)");
    QTest::newRow("silent-exit-3") << QStringLiteral("silent.sh")
                                   << QStringLiteral("silent.sh .*502: output that ended inside the header block \\(exited with code 3\\)");
    QTest::newRow("killed-mid-header") << QStringLiteral("killed.sh")
                                       << QStringLiteral("killed.sh .*502: output that ended .*\\(killed by signal 9\\).*Content-Type: text/pl");
    QTest::newRow("bad-status") << QStringLiteral("badstatus.sh")
                                << QStringLiteral("badstatus.sh .*502: a Status that is not a code from 100 to 599");
}

void tst_CgiBridge::badOutput()
{
    QFETCH(QString, script);
    QFETCH(QString, warning);
    EngineLog::expect(QRegularExpression(warning));
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/x", rootParams(script));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const auto response = parse(stack->client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, 502);
    QCOMPARE(stack->bridge->table().totals().badHeaders, 1);
}

void tst_CgiBridge::killedAfterItsHeaders()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("term-after-header.sh .*killed by signal 15 after writing \\d+ bytes")));
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/x", rootParams(QStringLiteral("term-after-header.sh")));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const auto response = parse(stack->client->response(id));
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("partial"));
    QCOMPARE(stack->client->response(id).appStatus, 128u + 15u); // as a shell reports it
    QTRY_COMPARE(stack->bridge->table().totals().killedBySignal, 1);
}

void tst_CgiBridge::timeoutBeforeAnyOutput()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("forever.sh \\(pid \\d+\\): ran longer than 300 ms: terminating its process group, 504")));
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/slow");
    qint64 pid = 0;
    QVERIFY(waitFor([&] {
        const auto children = stack->bridge->table().children();
        pid = children.isEmpty() ? 0 : children.first().pid;
        return pid != 0;
    }, kWaitMs));
    QVERIFY(waitFor([&] { return groupSize(pid) == 2; }, kWaitMs)); // the shell and its sleep
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QCOMPARE(parse(stack->client->response(id))->status, 504);
    QVERIFY(waitFor([&] { return groupSize(pid) == 0; }, kWaitMs));
    QVERIFY(waitFor([&] { return stack->bridge->table().count() == 0; }, kWaitMs));
    QCOMPARE(stack->bridge->limiter().running(), 0); // the slot is free once the child is reaped
    QCOMPARE(stack->bridge->table().totals().timedOut, 1);
}

void tst_CgiBridge::timeoutAfterTheHeaders()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("ran longer than 300 ms: terminating its process group \\(its answer is cut short\\)")));
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/slow-after-header");
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const auto response = parse(stack->client->response(id));
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("started\n"));
    // It ignores SIGTERM: the SIGKILL after the grace ends it and its child.
    QVERIFY(waitFor([&] { return stack->bridge->table().count() == 0; }, kWaitMs));
}

void tst_CgiBridge::abortKillsTheProcessGroup()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    for (const bool closeConnection : {false, true}) {
        const quint16 id = get(*stack->client, "/forever.sh", rootParams(QStringLiteral("forever.sh")));
        qint64 pid = 0;
        QVERIFY(waitFor([&] {
            const auto children = stack->bridge->table().children();
            pid = children.isEmpty() ? 0 : children.first().pid;
            return pid != 0 && groupSize(pid) == 2;
        }, kWaitMs));
        if (closeConnection) {
            stack->server->dropClient(stack->client);
        } else {
            stack->client->abortRequest(id);
            QVERIFY(waitEnded(*stack->client, id, kWaitMs));
        }
        QVERIFY(waitFor([&] { return groupSize(pid) == 0; }, kWaitMs));
        QVERIFY(waitFor([&] { return stack->bridge->table().count() == 0; }, kWaitMs));
    }
    QCOMPARE(stack->bridge->table().totals().terminated, 2);
}

void tst_CgiBridge::limitQueueAndReject()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("blocker.sh: 503: 1 CGI programs running and 1 waiting")));
    CgiConfig cgi = config();
    cgi.maxChildren = 1;
    cgi.queue = 1;
    auto stack = startStack(cgi);
    QVERIFY(stack);
    FcgiClient &client = *stack->client;
    const auto begin = [&] {
        return client.beginRequest(FcgiClient::requestParams("POST", "/blocker.sh", -1, "text/plain")
                                   + rootParams(QStringLiteral("blocker.sh")));
    };
    const quint16 first = begin();
    QVERIFY(waitFor([&] { return stack->bridge->limiter().running() == 1; }, kWaitMs));
    const quint16 second = begin();
    QVERIFY(waitFor([&] { return stack->bridge->limiter().queued() == 1; }, kWaitMs));
    const quint16 third = begin();
    QVERIFY(waitEnded(client, third, kWaitMs));
    const auto rejected = parse(client.response(third));
    QCOMPARE(rejected->status, 503);
    QCOMPARE(rejected->header("Retry-After"), QByteArray("1"));
    // The queued one's body waits for it; it runs once the first is done.
    client.sendStdin(second, "two\n");
    client.sendStdin(second, {});
    QVERIFY(!client.response(second).ended);
    client.sendStdin(first, "one\n");
    client.sendStdin(first, {});
    QVERIFY(waitEnded(client, first, kWaitMs));
    QVERIFY(waitEnded(client, second, kWaitMs));
    QCOMPARE(parse(client.response(first))->body, QByteArray("got one\n"));
    QCOMPARE(parse(client.response(second))->body, QByteArray("got two\n"));
    QCOMPARE(stack->bridge->table().totals().rejected, 1);
}

void tst_CgiBridge::nphProgram()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/nph-test.sh", rootParams(QStringLiteral("nph-test.sh")));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const QByteArray out = stack->client->response(id).out;
    QVERIFY2(out.startsWith("Status: 202 Accepted\r\nContent-Type: text/plain\r\n\r\nnph body"), out.constData());
    QVERIFY(!out.contains("Connection"));
}

void tst_CgiBridge::localRedirects()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    // Served again here, for the new path: the client sees the second page only.
    quint16 id = get(*stack->client, "/app/first");
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    auto response = parse(stack->client->response(id));
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body, QByteArray("path=/second query=x=1\n"));
    // A path this mount does not serve: the front end gets the redirect.
    id = get(*stack->client, "/app/outside");
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    response = parse(stack->client->response(id));
    QCOMPARE(response->status, 302);
    QCOMPARE(response->header("Location"), QByteArray("/elsewhere"));
    // A loop ends after ten rounds, as a redirect to the client.
    id = get(*stack->client, "/app/loop");
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QCOMPARE(parse(stack->client->response(id))->status, 302);
}

void tst_CgiBridge::stderrToLogAndFastCgi()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("conn \\d+ request \\d+: stderr.sh \\(pid \\d+\\) stderr: something odd happened$")));
    EngineLog::expect(QRegularExpression(QStringLiteral("stderr.sh \\(pid \\d+\\) stderr: and no newline$")));
    CgiConfig cgi = config();
    cgi.stderrMode = CgiStderr::Both;
    auto stack = startStack(cgi);
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/stderr.sh", rootParams(QStringLiteral("stderr.sh")));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    const FcgiClient::Response response = stack->client->response(id);
    QCOMPARE(parse(response)->body, QByteArray("ok"));
    QCOMPARE(response.err, QByteArray("something odd happened\nand no newline\n"));
}

void tst_CgiBridge::statusAndMetricsShowChildren()
{
    auto stack = startStack(config());
    QVERIFY(stack);
    FcgiClient *watcher = stack->server->connectClient();
    QVERIFY(watcher);
    const quint16 id = stack->client->beginRequest(
        FcgiClient::requestParams("POST", "/blocker.sh", -1, "text/plain") + rootParams(QStringLiteral("blocker.sh")));
    stack->client->sendStdin(id, "partial body ");
    QVERIFY(waitFor([&] { return !stack->bridge->table().children().isEmpty()
                                 && stack->bridge->table().children().first().bytesIn > 0; }, kWaitMs));
    const qint64 pid = stack->bridge->table().children().first().pid;

    const QJsonObject status = fetchStatus(*watcher, "/status?full=1");
    const QJsonObject cgi = status.value(QStringLiteral("cgi")).toObject();
    QCOMPARE(cgi.value(QStringLiteral("running")).toInt(), 1);
    const QJsonObject child = cgi.value(QStringLiteral("children")).toArray().first().toObject();
    QCOMPARE(child.value(QStringLiteral("pid")).toInteger(), pid);
    QCOMPARE(child.value(QStringLiteral("program")).toString(), QStringLiteral("blocker.sh"));
    QCOMPARE(child.value(QStringLiteral("mount")).toString(), QStringLiteral("cgi-root"));
    QCOMPARE(child.value(QStringLiteral("request_id")).toInt(), int(id));
    QCOMPARE(child.value(QStringLiteral("bytes_in")).toInt(), 13);
    QVERIFY(child.value(QStringLiteral("age_ms")).toInteger() >= 0);
    QString note;
    const qint64 connectionId = child.value(QStringLiteral("connection_id")).toInteger();
    for (const QJsonValue &request : status.value(QStringLiteral("active_requests")).toArray()) {
        const QJsonObject r = request.toObject();
        if (r.value(QStringLiteral("request_id")).toInt() == id
            && r.value(QStringLiteral("connection_id")).toInteger() == connectionId)
            note = r.value(QStringLiteral("note")).toString();
    }
    QCOMPARE(note, QStringLiteral("cgi pid %1 blocker.sh").arg(pid));
    // The monitor's snapshot carries the same note.
    bool noted = false;
    for (const ActiveRequestInfo &r : snapshot(stack->server->engine()).requests)
        noted = noted || r.note == note;
    QVERIFY(noted);

    const quint16 metricsId = get(*watcher, "/metrics");
    QVERIFY(waitEnded(*watcher, metricsId, kWaitMs));
    const QByteArray metrics = parse(watcher->response(metricsId))->body;
    QVERIFY(metrics.contains("\nafcgi_cgi_children 1\n"));
    QVERIFY(metrics.contains("afcgi_cgi_started_total 1\n"));
    QVERIFY(metrics.contains("afcgi_cgi_child_age_seconds{pid=\"" + QByteArray::number(pid)
                             + "\",program=\"blocker.sh\",mount=\"cgi-root\"} "));
    QVERIFY(metrics.contains("afcgi_cgi_child_bytes{pid=\"" + QByteArray::number(pid)
                             + "\",program=\"blocker.sh\",mount=\"cgi-root\",direction=\"in\"} 13\n"));

    stack->client->sendStdin(id, {});
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QVERIFY(waitFor([&] { return stack->bridge->table().count() == 0; }, kWaitMs));
}

void tst_CgiBridge::programThatCannotRun()
{
    EngineLog::expect(QRegularExpression(QStringLiteral("broken.sh: 502: cannot run .*broken.sh: No such file or directory")));
    const QString broken = script(QStringLiteral("broken.sh"), "#!/nonexistent/interpreter\n");
    auto stack = startStack(config());
    QVERIFY(stack);
    const quint16 id = get(*stack->client, "/broken.sh", rootParams(QStringLiteral("broken.sh")));
    QVERIFY(waitEnded(*stack->client, id, kWaitMs));
    QCOMPARE(parse(stack->client->response(id))->status, 502);
    QCOMPARE(stack->bridge->table().totals().startFailures, 1);
    QCOMPARE(stack->bridge->limiter().running(), 0);
    QFile::remove(broken);
}

QTEST_GUILESS_MAIN(tst_CgiBridge)
#include "tst_cgibridge.moc"
