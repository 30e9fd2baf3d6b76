// End to end through the CGI samples: curl and git -> nginx (resources/cgi/nginx.conf) ->
// afcgid (resources/cgi/afcgid.ini) -> real CGI programs: git-http-backend (clone and push of a
// repository with 50 MB of history, 16 clones at once), cgit, and scripts under a cgi-bin that
// misbehave (never end, leave their body unread, print no header, get killed). Also that a
// child of the real afcgid holds no descriptor of afcgid's, that a client that goes away
// mid-clone takes the child's whole process group with it, leaving no zombie, and that SIGTERM
// lets running scripts finish within the shutdown grace and stops the rest.

#include "e2etest.h"
#include "frontends.h"

#include "fcgiclient.h"
#include "procinspect.h"
#include "sanitizers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QtTest>

using namespace e2e;
using fixtures::groupSize;
using fixtures::zombiesOf;

namespace {

constexpr int kCommits = 50;
constexpr qsizetype kBlobBytes = 1024 * 1024; // incompressible: 50 MB of history
// Under ASan, 4: what it looks for (memory errors) needs no more, and 16 took 16 s there.
constexpr int kClones = AFCGI_UNDER_ASAN ? 4 : 16;
constexpr int kGitTimeoutMs = 180000;
constexpr int kWaitMs = 15000;

QJsonArray cgiChildren(const QString &afcgid)
{
    return ProcessFixture::afcgidStatus(afcgid, true).value(QStringLiteral("cgi")).toObject()
        .value(QStringLiteral("children")).toArray();
}

} // namespace

class tst_E2eCgi : public E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void gitCloneSixteenAtOnceAndPush();
    void clientGoesAwayMidClone();
    void cgitRendersTheRepository();
    void misbehavingScripts();
    void childHoldsNothingOfAfcgid();
    void sigtermDrainsThenStopsTheRest();

private:
    bool runGit(const QStringList &arguments, QByteArray *output = nullptr, const QString &dir = {});
    // The sample's afcgid (its script time limit 2 s unless `cgiTimeoutMs` says otherwise, 0 =
    // none) behind the sample's nginx.
    bool startStack(QString *error, int cgiTimeoutMs = 2000, const QStringList &moreArguments = {});
    QString script(const QString &name, const QByteArray &body);

    QTemporaryDir m_repos;   // the origin repository, shared by the test functions
    QString m_git;
    QString m_head;          // origin's HEAD commit
    QProcess *m_afcgid = nullptr;
    QString m_afcgidAddress;
    QString m_baseUrl;
};

bool tst_E2eCgi::runGit(const QStringList &arguments, QByteArray *output, const QString &dir)
{
    QProcess git;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_repos.path());
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    git.setProcessEnvironment(env);
    if (!dir.isEmpty())
        git.setWorkingDirectory(dir);
    git.start(m_git, QStringList{QStringLiteral("-c"), QStringLiteral("user.name=afcgi test"),
                                 QStringLiteral("-c"), QStringLiteral("user.email=test@afcgi.invalid")}
                         + arguments);
    if (!git.waitForFinished(kGitTimeoutMs) || git.exitStatus() != QProcess::NormalExit || git.exitCode() != 0) {
        qWarning("git %s failed: %s", qPrintable(arguments.join(QLatin1Char(' '))), git.readAllStandardError().constData());
        return false;
    }
    if (output)
        *output = git.readAllStandardOutput().trimmed();
    return true;
}

void tst_E2eCgi::initTestCase()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(curl, "curl");
    E2E_REQUIRE_TOOL(git, "git");
    for (const char *program : {"/usr/lib/git-core/git-http-backend", "/usr/lib/cgit/cgit.cgi"}) {
        if (QFile::exists(QLatin1String(program)))
            continue;
        if (ProcessFixture::missingToolIsFailure())
            QFAIL(qPrintable(QStringLiteral("%1 is not installed (strict mode: a failure)").arg(QLatin1String(program))));
        QSKIP(qPrintable(QStringLiteral("%1 is not installed").arg(QLatin1String(program))));
    }
    m_git = git;
    QVERIFY(m_repos.isValid());
    // The origin: 50 commits, each adding 1 MiB of random bytes, written with fast-import.
    const QString origin = m_repos.filePath(QStringLiteral("origin.git"));
    QVERIFY(runGit({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("--bare"), origin}));
    QVERIFY(runGit({QStringLiteral("-C"), origin, QStringLiteral("config"), QStringLiteral("http.receivepack"), QStringLiteral("true")}));
    QRandomGenerator random(14);
    QByteArray stream;
    for (int i = 0; i < kCommits; ++i) {
        QByteArray blob(kBlobBytes, Qt::Uninitialized);
        random.fillRange(reinterpret_cast<quint32 *>(blob.data()), blob.size() / 4);
        const QByteArray message = "commit " + QByteArray::number(i) + '\n';
        stream += "commit refs/heads/master\ncommitter afcgi test <test@afcgi.invalid> " + QByteArray::number(1700000000 + i)
                  + " +0000\ndata " + QByteArray::number(message.size()) + '\n' + message;
        // Each commit on the branch follows the one before: fast-import keeps the branch's tip.
        stream += "M 644 inline data/" + QByteArray::number(i) + ".bin\ndata " + QByteArray::number(blob.size()) + '\n' + blob + '\n';
    }
    QProcess importer;
    importer.start(m_git, {QStringLiteral("-C"), origin, QStringLiteral("fast-import"), QStringLiteral("--quiet")});
    QVERIFY(importer.waitForStarted());
    importer.write(stream);
    importer.closeWriteChannel();
    QVERIFY(importer.waitForFinished(kGitTimeoutMs));
    QCOMPARE(importer.exitCode(), 0);
    QByteArray head;
    QVERIFY(runGit({QStringLiteral("-C"), origin, QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, &head));
    m_head = QString::fromLatin1(head);
}

QString tst_E2eCgi::script(const QString &name, const QByteArray &body)
{
    QDir(m_fixture->dirPath()).mkpath(QStringLiteral("cgi-bin"));
    const QString path = m_fixture->path(QStringLiteral("cgi-bin/") + name);
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(body);
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

bool tst_E2eCgi::startStack(QString *error, int cgiTimeoutMs, const QStringList &moreArguments)
{
    QDir(m_fixture->dirPath()).mkpath(QStringLiteral("cgi-bin"));
    const QString cgitrc = QStringLiteral("cache-size=0\nvirtual-root=/cgit/\ncss=/cgit-static/cgit.css\n"
                                          "repo.url=origin\nrepo.path=%1\nrepo.desc=the test repository\n")
                               .arg(m_repos.filePath(QStringLiteral("origin.git")));
    if (!m_fixture->writeFile(QStringLiteral("cgitrc"), cgitrc.toUtf8(), error))
        return false;
    m_afcgidAddress = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    if (!m_fixture->writeFromSample(QStringLiteral("cgi/afcgid.ini"),
                                    {{QStringLiteral("listen = 127.0.0.1:9000"), QStringLiteral("listen = ") + m_afcgidAddress},
                                     {QStringLiteral("cgi-root = /usr/lib/cgi-bin"), QStringLiteral("cgi-root = ") + m_fixture->path(QStringLiteral("cgi-bin"))},
                                     {QStringLiteral("cgi-timeout = 300000"), QStringLiteral("cgi-timeout = %1").arg(cgiTimeoutMs)},
                                     {QStringLiteral("GIT_PROJECT_ROOT = /srv/git"), QStringLiteral("GIT_PROJECT_ROOT = ") + m_repos.path()},
                                     {QStringLiteral("CGIT_CONFIG = /etc/cgitrc"), QStringLiteral("CGIT_CONFIG = ") + m_fixture->path(QStringLiteral("cgitrc"))}},
                                    QStringLiteral("afcgid.ini"), error)) {
        return false;
    }
    // A mount of the test's own: /bin/cat answers with its body (which holds a header block).
    QFile ini(m_fixture->path(QStringLiteral("afcgid.ini")));
    if (!ini.open(QIODevice::Append) || ini.write("\n[cgi /cat]\nprogram = /bin/cat\n") < 0) {
        *error = QStringLiteral("cannot extend afcgid.ini");
        return false;
    }
    ini.close();
    const QStringList arguments = QStringList{QStringLiteral("--config"), m_fixture->path(QStringLiteral("afcgid.ini")),
                                              QStringLiteral("--threads"), QStringLiteral("2")}
                                  + moreArguments;
    m_afcgid = m_fixture->startAfcgid(arguments, m_afcgidAddress, error);
    if (!m_afcgid)
        return false;
    const quint16 port = ProcessFixture::freeTcpPort();
    if (!startNginxSite(*m_fixture, QStringLiteral("cgi/nginx.conf"), m_afcgidAddress, port, error,
                        {{QStringLiteral("root /usr/lib;"), QStringLiteral("root %1;").arg(m_fixture->dirPath())}})) {
        return false;
    }
    m_baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    return true;
}

void tst_E2eCgi::gitCloneSixteenAtOnceAndPush()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    const QString url = m_baseUrl + QStringLiteral("/git/origin.git");
    QElapsedTimer timer;
    timer.start();
    std::vector<std::unique_ptr<QProcess>> clones;
    const auto stopClones = qScopeGuard([&clones] { // on a failure, none is left running
        for (const std::unique_ptr<QProcess> &clone : clones) {
            if (clone->state() != QProcess::NotRunning) {
                clone->kill();
                clone->waitForFinished();
            }
        }
    });
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), m_repos.path());
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    for (int i = 0; i < kClones; ++i) {
        auto clone = std::make_unique<QProcess>();
        clone->setProcessEnvironment(env);
        clone->start(m_git, {QStringLiteral("clone"), QStringLiteral("-q"), url, m_fixture->path(QStringLiteral("clone%1").arg(i))});
        clones.push_back(std::move(clone));
    }
    for (int i = 0; i < kClones; ++i) {
        QProcess &clone = *clones[size_t(i)];
        QVERIFY2(clone.waitForFinished(kGitTimeoutMs), qPrintable(QString::number(i)));
        QVERIFY2(clone.exitCode() == 0, clone.readAllStandardError().constData());
    }
    qInfo("%d clones of %d MB at once: %lld ms", kClones, int(kCommits * kBlobBytes / 1000000), timer.elapsed());
    for (int i = 0; i < kClones; ++i) {
        const QString dir = m_fixture->path(QStringLiteral("clone%1").arg(i));
        QByteArray head, count;
        QVERIFY(runGit({QStringLiteral("-C"), dir, QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, &head));
        QCOMPARE(QString::fromLatin1(head), m_head); // a commit id covers all the history's bytes
        QVERIFY(runGit({QStringLiteral("-C"), dir, QStringLiteral("rev-list"), QStringLiteral("--count"), QStringLiteral("HEAD")}, &count));
        QCOMPARE(count.toInt(), kCommits);
    }
    QTRY_COMPARE_WITH_TIMEOUT(zombiesOf(m_afcgid->processId()), 0, kWaitMs);
    // A push of 5 MB more through the same path, its body streamed to git as it arrives.
    const QString pusher = m_fixture->path(QStringLiteral("clone0"));
    QByteArray blob(5 * 1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(7).fillRange(reinterpret_cast<quint32 *>(blob.data()), blob.size() / 4);
    QFile file(pusher + QStringLiteral("/pushed.bin"));
    QVERIFY(file.open(QIODevice::WriteOnly) && file.write(blob) == blob.size());
    file.close();
    QVERIFY(runGit({QStringLiteral("-C"), pusher, QStringLiteral("add"), QStringLiteral("pushed.bin")}));
    QVERIFY(runGit({QStringLiteral("-C"), pusher, QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("pushed")}));
    QVERIFY(runGit({QStringLiteral("-C"), pusher, QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("HEAD:refs/heads/pushed")}));
    QByteArray pushed, local;
    QVERIFY(runGit({QStringLiteral("-C"), pusher, QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, &local));
    QVERIFY(runGit({QStringLiteral("-C"), m_repos.filePath(QStringLiteral("origin.git")), QStringLiteral("rev-parse"), QStringLiteral("refs/heads/pushed")}, &pushed));
    QCOMPARE(pushed, local);
    QTRY_COMPARE_WITH_TIMEOUT(zombiesOf(m_afcgid->processId()), 0, kWaitMs);
}

void tst_E2eCgi::clientGoesAwayMidClone()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    // The pack request of a clone, read slowly: then the client is killed.
    const QByteArray want = "want " + m_head.toLatin1() + '\n';
    const QByteArray body = QByteArray::number(want.size() + 4, 16).rightJustified(4, '0') + want + "0000" + "0009done\n";
    QVERIFY(m_fixture->writeFile(QStringLiteral("upload-pack.req"), body, &error));
    auto curl = ProcessFixture::startCurl({QStringLiteral("--limit-rate"), QStringLiteral("100k"),
                                           QStringLiteral("-o"), QProcess::nullDevice(),
                                           QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-git-upload-pack-request"),
                                           QStringLiteral("--data-binary"), QLatin1Char('@') + m_fixture->path(QStringLiteral("upload-pack.req")),
                                           m_baseUrl + QStringLiteral("/git/origin.git/git-upload-pack")}, 120);
    qint64 pid = 0;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const QJsonArray children = cgiChildren(m_afcgidAddress);
        for (const QJsonValue &child : children) {
            if (child.toObject().value(QStringLiteral("bytes_out")).toInteger() > 64 * 1024)
                pid = child.toObject().value(QStringLiteral("pid")).toInteger();
        }
        return pid != 0;
    }(), kWaitMs);
    QVERIFY(groupSize(pid) >= 2); // git-http-backend and the git it runs
    curl->kill();
    curl->waitForFinished();
    QTRY_VERIFY_WITH_TIMEOUT(cgiChildren(m_afcgidAddress).isEmpty(), kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(groupSize(pid), 0, kWaitMs);
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid))); // reaped
    QCOMPARE(zombiesOf(m_afcgid->processId()), 0);
}

void tst_E2eCgi::cgitRendersTheRepository()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    const CurlResult index = m_fixture->curl(m_baseUrl + QStringLiteral("/cgit/"));
    QCOMPARE(index.httpStatus, 200);
    QVERIFY2(index.contentType.startsWith("text/html"), index.contentType.constData());
    QVERIFY2(index.body.contains("the test repository"), index.body.left(2000).constData());
    const CurlResult log = m_fixture->curl(m_baseUrl + QStringLiteral("/cgit/origin/log/"));
    QCOMPARE(log.httpStatus, 200);
    QVERIFY2(log.body.contains("commit 49"), log.body.left(2000).constData());
}

void tst_E2eCgi::misbehavingScripts()
{
    script(QStringLiteral("forever.cgi"), "#!/bin/sh\necho $$ > \"$0.pid\"\nsleep 600 &\nwait\n");
    script(QStringLiteral("noread.cgi"), "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ndone\\n'\n");
    script(QStringLiteral("noheader.cgi"), "#!/bin/sh\necho 'just text'\n");
    script(QStringLiteral("killed.cgi"), "#!/bin/sh\nprintf 'Content-Type: text/pl'\nkill -KILL $$\n");
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));

    // Never ends: 504 after --cgi-timeout (2 s here), and its process group is gone.
    const CurlResult forever = m_fixture->curl(m_baseUrl + QStringLiteral("/cgi-bin/forever.cgi"));
    QCOMPARE(forever.httpStatus, 504);
    QFile pidFile(m_fixture->path(QStringLiteral("cgi-bin/forever.cgi.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const qint64 pid = pidFile.readAll().trimmed().toLongLong();
    QVERIFY(pid > 0);
    QTRY_COMPARE_WITH_TIMEOUT(groupSize(pid), 0, kWaitMs);

    // Leaves its 10 MB body unread: answered, and the next request is too.
    QVERIFY(m_fixture->writeFile(QStringLiteral("ten.bin"), QByteArray(10 * 1024 * 1024, 'x'), &error));
    for (int round = 0; round < 3; ++round) {
        const CurlResult noread = m_fixture->curl(m_baseUrl + QStringLiteral("/cgi-bin/noread.cgi"),
                                                  {QStringLiteral("--data-binary"), QLatin1Char('@') + m_fixture->path(QStringLiteral("ten.bin"))});
        QCOMPARE(noread.httpStatus, 200);
        QCOMPARE(noread.body, QByteArray("done\n"));
    }

    // No header block, or killed before finishing it: 502, and the log says why.
    QCOMPARE(m_fixture->curl(m_baseUrl + QStringLiteral("/cgi-bin/noheader.cgi")).httpStatus, 502);
    QCOMPARE(m_fixture->curl(m_baseUrl + QStringLiteral("/cgi-bin/killed.cgi")).httpStatus, 502);
    QTRY_VERIFY_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).contains("(killed by signal 9)"), kWaitMs);
    QVERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("began with \"just text\\n\""));
    // Not a script under the root: refused, with the reason in the log.
    QCOMPARE(m_fixture->curl(m_baseUrl + QStringLiteral("/cgi-bin/none.cgi")).httpStatus, 404);
    QCOMPARE(zombiesOf(m_afcgid->processId()), 0);
}

void tst_E2eCgi::childHoldsNothingOfAfcgid()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    afcgi::FcgiClient client;
    client.connectToServer(m_afcgidAddress);
    QVERIFY(client.waitForConnected(kWaitMs));
    const quint16 id = client.beginRequest(afcgi::FcgiClient::requestParams("POST", "/cat", -1, "text/plain"));
    client.sendStdin(id, "Content-Type: text/plain\n\n");
    qint64 pid = 0;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        const QJsonArray children = cgiChildren(m_afcgidAddress);
        pid = children.isEmpty() ? 0 : children.first().toObject().value(QStringLiteral("pid")).toInteger();
        return pid != 0;
    }(), kWaitMs);
    // cat waits for the rest of its input: its start-up is over. afcgid has listeners, a
    // monitor socket, epoll and event descriptors, pipes to other children: none may be here.
    QTRY_VERIFY_WITH_TIMEOUT(fixtures::blockedIn(pid, "pipe_read"), kWaitMs);
    const QStringList fds = QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
    QCOMPARE(fds, (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")}));
    QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
    QVERIFY(environ.open(QIODevice::ReadOnly));
    const QByteArray environment = environ.readAll();
    QVERIFY(!environment.contains("HOME="));
    QVERIFY(environment.contains("SCRIPT_NAME=/cat"));
    client.sendStdin(id, "hello");
    client.sendStdin(id, {});
    QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended, kWaitMs);
    QVERIFY(client.response(id).out.endsWith("\r\n\r\nhello"));
}

void tst_E2eCgi::sigtermDrainsThenStopsTheRest()
{
    // No script time limit: only the shutdown can stop forever.cgi.
    script(QStringLiteral("forever.cgi"), "#!/bin/sh\necho $$ > \"$0.pid\"\nsleep 600 &\nwait\n");
    script(QStringLiteral("slow.cgi"), "#!/bin/sh\nread line\nprintf 'Content-Type: text/plain\\n\\n%s\\n' \"$line\"\n");
    QString error;
    QVERIFY2(startStack(&error, 0, {QStringLiteral("--shutdown-grace"), QStringLiteral("3000")}), qPrintable(error));
    afcgi::FcgiClient client;
    client.connectToServer(m_afcgidAddress);
    QVERIFY(client.waitForConnected(kWaitMs));
    const auto params = [&](const char *name) {
        auto p = afcgi::FcgiClient::requestParams("POST", QByteArray("/cgi-bin/") + name, -1, "text/plain");
        p.append({"SCRIPT_FILENAME", m_fixture->path(QStringLiteral("cgi-bin/")).toUtf8() + name});
        return p;
    };
    const quint16 forever = client.beginRequest(params("forever.cgi"));
    client.sendStdin(forever, {});
    const quint16 slow = client.beginRequest(params("slow.cgi")); // waits for its line of input
    QTRY_COMPARE_WITH_TIMEOUT(cgiChildren(m_afcgidAddress).size(), 2, kWaitMs);
    QFile pidFile(m_fixture->path(QStringLiteral("cgi-bin/forever.cgi.pid")));
    QTRY_VERIFY_WITH_TIMEOUT(pidFile.size() > 0, kWaitMs);
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const qint64 foreverPid = pidFile.readAll().trimmed().toLongLong();
    QVERIFY(foreverPid > 0);

    m_afcgid->terminate(); // SIGTERM: drain
    QTRY_VERIFY_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).contains("shutting down"), kWaitMs);
    // A script still running during the grace finishes and is answered in full.
    client.sendStdin(slow, "drained\n");
    client.sendStdin(slow, {});
    QTRY_VERIFY_WITH_TIMEOUT(client.response(slow).ended, kWaitMs);
    QVERIFY2(client.response(slow).out.endsWith("\r\n\r\ndrained\n"), client.response(slow).out.constData());
    // What is left when the grace is over is stopped, its whole process group, and afcgid ends.
    QVERIFY(m_afcgid->waitForFinished(kWaitMs));
    QCOMPARE(m_afcgid->exitStatus(), QProcess::NormalExit);
    QVERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("is over"));
    QTRY_COMPARE_WITH_TIMEOUT(groupSize(foreverPid), 0, kWaitMs);
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(foreverPid)));
}

QTEST_GUILESS_MAIN(tst_E2eCgi)
#include "tst_e2e_cgi.moc"
