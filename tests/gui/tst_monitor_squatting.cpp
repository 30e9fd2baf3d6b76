// The monitor channel cannot be squatted or spoofed: the default channel lives in a per-user
// directory that the service creates private and both ends check, and each end asks the kernel
// who is on the other side. The real afcgid and the monitor's client, against a second user:
// run as root (as CI does), the test acts as `nobody` through setpriv(1); otherwise it skips.
#include "e2etest.h"
#include "monitorclient.h"

#include "channeladdress.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace afcgi;

namespace {

constexpr uid_t kNobody = 65534;

// A directory other users may enter and write, as /tmp is (sticky, 1777).
bool makeSharedDirectory(const QString &path)
{
    return QDir().mkpath(path) && ::chmod(QFile::encodeName(path).constData(), 01777) == 0;
}

// A process environment (and this process's) whose temp directory is `tmp` and without
// $XDG_RUNTIME_DIR, so the per-user channel directory is <tmp>/afcgi-<uid>.
QProcessEnvironment withTemp(const QString &tmp)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    environment.insert(QStringLiteral("TMPDIR"), tmp);
    return environment;
}

// Puts $TMPDIR and $XDG_RUNTIME_DIR back as they were when the test function ends.
class EnvironmentGuard
{
public:
    EnvironmentGuard() : m_tmp(qgetenv("TMPDIR")), m_runtime(qgetenv("XDG_RUNTIME_DIR")) {}
    ~EnvironmentGuard()
    {
        restore("TMPDIR", m_tmp);
        restore("XDG_RUNTIME_DIR", m_runtime);
    }

private:
    static void restore(const char *name, const QByteArray &value)
    {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    }
    QByteArray m_tmp;
    QByteArray m_runtime;
};

} // namespace

class tst_MonitorSquatting : public e2e::E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void defaultChannelIsPrivate();
    void squattedDirectoryIsRefused();
    void impostorServiceIsRefused();
    void foreignMonitorIsRefused();

private:
    // The arguments that run `command` as nobody, or a skip when this is not possible.
    bool asNobody(QStringList *program);
    QProcess *startImpostor(const QString &socketPath, QString *error);

    // A directory other users may enter (the fixture's is 0700), made by REQUIRE_SECOND_USER.
    bool makeShared();

    QString m_setpriv;
    std::unique_ptr<QTemporaryDir> m_shared;
};

bool tst_MonitorSquatting::makeShared()
{
    m_shared = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/afcgi-squat-XXXXXX"));
    return m_shared->isValid() && ::chmod(QFile::encodeName(m_shared->path()).constData(), 0755) == 0;
}

bool tst_MonitorSquatting::asNobody(QStringList *program)
{
    if (::geteuid() != 0)
        return false;
    m_setpriv = e2e::ProcessFixture::findTool(QStringLiteral("setpriv"));
    if (m_setpriv.isEmpty())
        return false;
    *program = {m_setpriv, QStringLiteral("--reuid=%1").arg(kNobody), QStringLiteral("--regid=%1").arg(kNobody),
                QStringLiteral("--clear-groups"), QStringLiteral("--")};
    return true;
}

#define REQUIRE_SECOND_USER(program)                                                            \
    QStringList program;                                                                        \
    if (!asNobody(&program)) {                                                                  \
        if (e2e::ProcessFixture::missingToolIsFailure())                                        \
            QFAIL("acting as a second user needs root and setpriv (AFCGI_TEST_STRICT=1)");      \
        QSKIP("acting as a second user needs root and setpriv (util-linux)");                   \
    }                                                                                           \
    E2E_REQUIRE_TOOL(socat, "socat");                                                           \
    QVERIFY(makeShared());                                                                      \
    const EnvironmentGuard environmentGuard

// As nobody: a socket at `socketPath` that answers every connection with a hello of its own.
QProcess *tst_MonitorSquatting::startImpostor(const QString &socketPath, QString *error)
{
    QStringList command;
    asNobody(&command);
    const QString script = m_shared->filePath(QStringLiteral("impostor.sh"));
    QFile file(script);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return nullptr;
    }
    file.write("#!/bin/sh\nprintf '%s\\n' '{\"type\":\"hello\",\"pid\":1,\"protocol\":1,"
               "\"server_version\":\"impostor\"}'\nsleep 1\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther);
    command += {e2e::ProcessFixture::findTool(QStringLiteral("socat")),
                QStringLiteral("UNIX-LISTEN:%1,fork,perm=0777").arg(socketPath),
                QStringLiteral("EXEC:%1").arg(script)};
    return m_fixture->start(command.takeFirst(), command, QStringLiteral("impostor"),
                            QStringLiteral("unix:") + socketPath, error);
}

void tst_MonitorSquatting::defaultChannelIsPrivate()
{
    const EnvironmentGuard environmentGuard;
    // $XDG_RUNTIME_DIR as systemd makes it: the user's own, mode 0700.
    const QString runtime = m_fixture->path(QStringLiteral("run"));
    QVERIFY(QDir().mkpath(runtime));
    QVERIFY(::chmod(QFile::encodeName(runtime).constData(), 0700) == 0);
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(runtime));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    const QString channel = runtime + QStringLiteral("/afcgi/monitor");
    QCOMPARE(monitor::channelAddress(QString()), channel);

    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QString error;
    QVERIFY2(m_fixture->start(e2e::ProcessFixture::afcgidPath(), {QStringLiteral("--listen"), address},
                              QStringLiteral("afcgid"), QStringLiteral("unix:") + channel, &error,
                              10000, environment),
             qPrintable(error));
    struct stat st{};
    QCOMPARE(::lstat(QFile::encodeName(runtime + QStringLiteral("/afcgi")).constData(), &st), 0);
    QVERIFY(S_ISDIR(st.st_mode));
    QCOMPARE(st.st_mode & 0777, mode_t(0700));
    QCOMPARE(st.st_uid, ::geteuid());

    gui::MonitorClient client;
    QSignalSpy hello(&client, &gui::MonitorClient::helloReceived);
    client.start();
    QVERIFY(hello.wait(5000));
    QVERIFY(client.refusal().isEmpty());
    QTRY_VERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("monitor attached (uid "));
}

void tst_MonitorSquatting::squattedDirectoryIsRefused()
{
    REQUIRE_SECOND_USER(nobody);
    // No $XDG_RUNTIME_DIR: the channel directory is <temp>/afcgi-0, and nobody made it first.
    const QString tmp = m_shared->filePath(QStringLiteral("tmp"));
    QVERIFY(makeSharedDirectory(tmp));
    const QString squatted = tmp + QStringLiteral("/afcgi-0");
    QProcess mkdir;
    mkdir.start(nobody.first(), nobody.mid(1) + QStringList{QStringLiteral("mkdir"), QStringLiteral("-m"),
                                                           QStringLiteral("0777"), squatted});
    QVERIFY(mkdir.waitForFinished(5000));
    QCOMPARE(mkdir.exitCode(), 0);
    QString error;
    QVERIFY2(startImpostor(squatted + QStringLiteral("/monitor"), &error), qPrintable(error));

    // afcgid serves requests, without the channel, and says why and what to do.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QVERIFY2(m_fixture->start(e2e::ProcessFixture::afcgidPath(), {QStringLiteral("--listen"), address},
                              QStringLiteral("afcgid"), address, &error, 10000, withTemp(tmp)),
             qPrintable(error));
    QTRY_VERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("no monitor channel"));
    const QByteArray log = m_fixture->log(QStringLiteral("afcgid"));
    QVERIFY2(log.contains("belongs to uid 65534 (nobody), not to this user (uid 0 (root))"), log.constData());
    QVERIFY2(log.contains("set XDG_RUNTIME_DIR"), log.constData());
    QVERIFY(!e2e::ProcessFixture::afcgidStatus(address).isEmpty());

    // The monitor does not go near the impostor's socket.
    qputenv("TMPDIR", QFile::encodeName(tmp));
    qunsetenv("XDG_RUNTIME_DIR");
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("belongs to uid 65534")));
    gui::MonitorClient client;
    QCOMPARE(client.socketName(), squatted + QStringLiteral("/monitor"));
    QSignalSpy refused(&client, &gui::MonitorClient::refused);
    QSignalSpy hello(&client, &gui::MonitorClient::helloReceived);
    client.start();
    QVERIFY(refused.count() > 0 || refused.wait(5000));
    QVERIFY2(client.refusal().contains(QLatin1String("belongs to uid 65534 (nobody)")),
             qPrintable(client.refusal()));
    QCOMPARE(hello.count(), 0);
    QCOMPARE(client.state(), gui::MonitorClient::State::Disconnected);
}

void tst_MonitorSquatting::impostorServiceIsRefused()
{
    REQUIRE_SECOND_USER(nobody);
    // A channel named by its path, in a directory everyone may write: nobody got there first.
    const QString shared = m_shared->filePath(QStringLiteral("pub"));
    QVERIFY(makeSharedDirectory(shared));
    const QString socket = shared + QStringLiteral("/monitor.sock");
    QString error;
    QVERIFY2(startImpostor(socket, &error), qPrintable(error));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refusing the service at .* it runs as uid 65534 \\(nobody\\), pid \\d+, not as you")));
    gui::MonitorClient client;
    client.setRetryInterval(100);
    client.setSocketName(socket);
    QSignalSpy refused(&client, &gui::MonitorClient::refused);
    QSignalSpy hello(&client, &gui::MonitorClient::helloReceived);
    client.start();
    QVERIFY(refused.count() > 0 || refused.wait(5000));
    QVERIFY(refused.wait(5000)); // it retries, and refuses again (quietly)
    QCOMPARE(hello.count(), 0);
    client.stop();

    // The user may name the service's user: then it is accepted.
    client.setTrustedUser(kNobody);
    client.start();
    QVERIFY(hello.count() > 0 || hello.wait(5000));
    QCOMPARE(hello.first().first().value<monitor::Hello>().serverVersion, QStringLiteral("impostor"));
    client.stop();

    // afcgid does not take the socket over, and says who holds it.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QVERIFY2(m_fixture->startAfcgid({QStringLiteral("--listen"), address, QStringLiteral("--monitor"), socket},
                                    address, &error),
             qPrintable(error));
    QTRY_VERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("no monitor channel"));
    const QByteArray log = m_fixture->log(QStringLiteral("afcgid"));
    QVERIFY2(log.contains("another process (uid 65534 (nobody), pid "), log.constData());
}

void tst_MonitorSquatting::foreignMonitorIsRefused()
{
    REQUIRE_SECOND_USER(nobody);
    const QString shared = m_shared->filePath(QStringLiteral("pub"));
    QVERIFY(makeSharedDirectory(shared));
    const QString socket = shared + QStringLiteral("/monitor.sock");
    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QString error;
    QVERIFY2(m_fixture->startAfcgid({QStringLiteral("--listen"), address, QStringLiteral("--monitor"), socket},
                                    address, &error),
             qPrintable(error));
    // Open the socket to everyone, as a careless mode would: the peer check still holds.
    QTRY_VERIFY(QFileInfo::exists(socket)); // the channel opens after the FastCGI listener
    QVERIFY(::chmod(QFile::encodeName(socket).constData(), 0777) == 0);
    QProcess watcher;
    watcher.start(nobody.first(), nobody.mid(1) + QStringList{socat, QStringLiteral("-T"), QStringLiteral("2"),
                                                             QStringLiteral("-u"),
                                                             QStringLiteral("UNIX-CONNECT:") + socket,
                                                             QStringLiteral("-")});
    QVERIFY(watcher.waitForFinished(5000));
    const QByteArray seen = watcher.readAllStandardOutput();
    QVERIFY2(seen.contains("\"type\":\"error\"") && seen.contains("refused"), seen.constData());
    QVERIFY2(!seen.contains("\"hello\""), seen.constData());
    QTRY_VERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("monitor connection refused: uid 65534 (nobody), pid "));
}

QTEST_MAIN(tst_MonitorSquatting)
#include "tst_monitor_squatting.moc"
