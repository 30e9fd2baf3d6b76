// Who may talk to afcgid: TCP peers by address (--allow and the standard FCGI_WEB_SERVER_ADDRS),
// unix: listeners by file mode (--socket-mode), and the monitor channel by its owner only.

#include "e2etest.h"

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtTest>

#ifdef Q_OS_UNIX
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

using afcgi::FcgiClient;
using e2e::ProcessFixture;

namespace {

constexpr int kResponseTimeoutMs = 5000;
constexpr char kWebServerAddrs[] = "FCGI_WEB_SERVER_ADDRS";

// The test's environment without FCGI_WEB_SERVER_ADDRS, plus `webServerAddrs` when it is set:
// one the test runs in must not decide what afcgid allows.
QProcessEnvironment environmentWith(const QString &webServerAddrs)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QLatin1String(kWebServerAddrs));
    if (!webServerAddrs.isNull())
        environment.insert(QLatin1String(kWebServerAddrs), webServerAddrs);
    return environment;
}

#ifdef Q_OS_UNIX
// The owner and group of a file, as stat() reports them.
QPair<uint, uint> ownerOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return {uint(-1), uint(-1)};
    return {uint(info.st_uid), uint(info.st_gid)};
}

// The permission bits of a file, as stat() reports them; -1 when it cannot be read.
int modeOf(const QString &path)
{
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}
#endif

QByteArray octal(int mode)
{
    return "0" + QByteArray::number(mode, 8);
}

} // namespace

class tst_E2eAccess : public e2e::E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void tcpPeerAllowed_data();
    void tcpPeerAllowed();
    void refusedPeerFreesItsSlot();
    void socketMode_data();
    void socketMode();
    void socketOwnerAndGroup_data();
    void socketOwnerAndGroup();
    void unknownSocketOwnerStopsStart_data();
    void unknownSocketOwnerStopsStart();
    void monitorSocketIsPrivate();
};

void tst_E2eAccess::initTestCase()
{
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

void tst_E2eAccess::tcpPeerAllowed_data()
{
    // A null string leaves FCGI_WEB_SERVER_ADDRS unset; the test connects from 127.0.0.1.
    QTest::addColumn<QStringList>("allowArguments");
    QTest::addColumn<QString>("webServerAddrs");
    QTest::addColumn<bool>("allowed");

    const QString unset;
    const QString allow = QStringLiteral("--allow");
    QTest::newRow("no-list-allows-all") << QStringList() << unset << true;

    QTest::newRow("allow-other-address") << QStringList{allow, QStringLiteral("10.1.2.3")} << unset << false;
    QTest::newRow("allow-other-subnet") << QStringList{allow, QStringLiteral("192.168.0.0/16")} << unset << false;
    QTest::newRow("allow-ipv6-loopback-only") << QStringList{allow, QStringLiteral("::1")} << unset << false;
    QTest::newRow("allow-list-without-loopback")
        << QStringList{allow, QStringLiteral("10.0.0.1, 10.0.0.2 192.168.1.1")} << unset << false;
    QTest::newRow("allow-loopback") << QStringList{allow, QStringLiteral("127.0.0.1")} << unset << true;
    QTest::newRow("allow-loopback-subnet") << QStringList{allow, QStringLiteral("127.0.0.0/8")} << unset << true;
    QTest::newRow("allow-list-with-spaces")
        << QStringList{allow, QStringLiteral("10.0.0.1, 127.0.0.1 192.168.1.1")} << unset << true;
    QTest::newRow("allow-repeated")
        << QStringList{allow, QStringLiteral("10.0.0.1"), allow, QStringLiteral("127.0.0.1")} << unset << true;

    QTest::newRow("env-other-address") << QStringList() << QStringLiteral("10.1.2.3") << false;
    QTest::newRow("env-list-without-loopback") << QStringList() << QStringLiteral("10.0.0.1,10.0.0.2") << false;
    QTest::newRow("env-loopback") << QStringList() << QStringLiteral("127.0.0.1") << true;
    QTest::newRow("env-list") << QStringList() << QStringLiteral("10.0.0.1,127.0.0.1") << true;
    QTest::newRow("env-list-with-spaces") << QStringList() << QStringLiteral(" 10.0.0.1, 127.0.0.1 ") << true;
    QTest::newRow("env-blank-allows-all") << QStringList() << QStringLiteral("  ") << true;

    // --allow adds to FCGI_WEB_SERVER_ADDRS: either list may let the peer in.
    QTest::newRow("env-other-plus-allow-loopback")
        << QStringList{allow, QStringLiteral("127.0.0.1")} << QStringLiteral("10.0.0.1") << true;
    QTest::newRow("env-loopback-plus-allow-other")
        << QStringList{allow, QStringLiteral("10.0.0.1")} << QStringLiteral("127.0.0.1") << true;
    QTest::newRow("env-other-plus-allow-other")
        << QStringList{allow, QStringLiteral("10.0.0.2")} << QStringLiteral("10.0.0.1") << false;
}

void tst_E2eAccess::tcpPeerAllowed()
{
    QFETCH(QStringList, allowArguments);
    QFETCH(QString, webServerAddrs);
    QFETCH(bool, allowed);

    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    // The kernel completes the TCP handshake before afcgid looks at the peer, so the readiness
    // probe gets through even when 127.0.0.1 is refused.
    QProcess *afcgid = m_fixture->startAfcgid(QStringList{QStringLiteral("--listen"), address} + allowArguments,
                                              address, &error, environmentWith(webServerAddrs));
    QVERIFY2(afcgid, qPrintable(error));

    // The readiness probe may have been refused and logged already: count from here.
    const qsizetype refusedBefore = m_fixture->log(QStringLiteral("afcgid")).count("refused 127.0.0.1 on");
    FcgiClient client;
    QSignalSpy disconnects(&client, &FcgiClient::disconnected);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 id = client.sendGet("/hello");

    if (allowed) {
        QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended || !client.isConnected(), kResponseTimeoutMs);
        const FcgiClient::Response response = client.response(id);
        QVERIFY2(response.ended, "the connection was closed without an answer");
        const auto cgi = afcgi::parseCgiResponse(response.out);
        QVERIFY(cgi);
        QCOMPARE(cgi->status, 200);
        QCOMPARE(cgi->body, QByteArray("Hello world\n"));
        QVERIFY(client.isConnected());
        QVERIFY(!m_fixture->log(QStringLiteral("afcgid")).contains("refused"));
    } else {
        // Closed at accept: the client sees the disconnect and never an answer.
        QTRY_VERIFY_WITH_TIMEOUT(!disconnects.isEmpty(), kResponseTimeoutMs);
        QVERIFY(!client.isConnected());
        QVERIFY(!client.response(id).ended);
        QVERIFY(client.response(id).out.isEmpty());
        // The log names the refused peer and the listener.
        QTRY_VERIFY_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).count("refused 127.0.0.1 on")
                                     > refusedBefore,
                                 kResponseTimeoutMs);
        QVERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("refused 127.0.0.1 on " + address.toLatin1()));
    }
    QCOMPARE(afcgid->state(), QProcess::Running);
}

void tst_E2eAccess::refusedPeerFreesItsSlot()
{
    // Linux routes all of 127.0.0.0/8 to the loopback interface, so a client bound to
    // 127.0.0.2 is a second peer that --allow can tell from 127.0.0.1. With --max-conns 1, a
    // refused connection that kept its slot would leave the allowed one waiting forever.
    constexpr int kRefused = 5;
    const QHostAddress stranger(QStringLiteral("127.0.0.2"));
    {
        QTcpSocket probe;
        // Linux routes all of 127/8 to loopback, so under AFCGI_TEST_STRICT=1 (Linux) this must
        // work; macOS has only 127.0.0.1 unless an alias is added.
        if (!probe.bind(stranger, 0)) {
            if (ProcessFixture::missingToolIsFailure())
                QFAIL("cannot bind a client socket to 127.0.0.2");
            QSKIP("cannot bind a client socket to 127.0.0.2 on this system");
        }
    }
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                               QStringLiteral("--allow"), QStringLiteral("127.0.0.1"),
                                               QStringLiteral("--max-conns"), QStringLiteral("1")},
                                              address, &error, environmentWith(QString()));
    QVERIFY2(afcgid, qPrintable(error));

    for (int i = 0; i < kRefused; ++i) {
        QTcpSocket socket;
        QVERIFY(socket.bind(stranger, 0));
        socket.connectToHost(QHostAddress::LocalHost, address.section(QLatin1Char(':'), -1).toUShort());
        QVERIFY(socket.waitForConnected(kResponseTimeoutMs));
        // Nothing is ever sent on it: only afcgid can close it.
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, kResponseTimeoutMs);
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).count("refused 127.0.0.2"),
                              qsizetype(kRefused), kResponseTimeoutMs);

    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 id = client.sendGet("/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended || !client.isConnected(), kResponseTimeoutMs);
    QVERIFY2(client.response(id).ended, "the allowed peer was not served after the refused ones");
    const auto cgi = afcgi::parseCgiResponse(client.response(id).out);
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
}

void tst_E2eAccess::socketMode_data()
{
    // The option is read as octal, with or without the leading 0.
    QTest::addColumn<QString>("option");
    QTest::addColumn<int>("mode");
    QTest::newRow("0600") << QStringLiteral("0600") << 0600;
    QTest::newRow("0660") << QStringLiteral("0660") << 0660;
    QTest::newRow("0666") << QStringLiteral("0666") << 0666;
    QTest::newRow("660-without-leading-zero") << QStringLiteral("660") << 0660;
    QTest::newRow("default") << QString() << 0666;
}

void tst_E2eAccess::socketMode()
{
#ifdef Q_OS_UNIX
    QFETCH(QString, option);
    QFETCH(int, mode);

    const QString socketPath = m_fixture->path(QStringLiteral("afcgi.sock"));
    const QString address = QStringLiteral("unix:") + socketPath;
    QStringList arguments{QStringLiteral("--listen"), address};
    if (!option.isNull())
        arguments += {QStringLiteral("--socket-mode"), option};
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid(arguments, address, &error);
    QVERIFY2(afcgid, qPrintable(error));

    const int actual = modeOf(socketPath);
    QVERIFY2(actual >= 0, qPrintable(socketPath));
    QCOMPARE(octal(actual), octal(mode));

    // The mode is what the file says; the owner can always connect.
    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 id = client.sendGet("/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended || !client.isConnected(), kResponseTimeoutMs);
    QVERIFY(client.response(id).ended);
#else
    QSKIP("unix: listeners and file modes are Unix-only");
#endif
}

void tst_E2eAccess::socketOwnerAndGroup_data()
{
#ifdef Q_OS_UNIX
    // Options as given, and the ids the socket file must end up with (-1: ours).
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<uint>("uid");
    QTest::addColumn<uint>("gid");
    QTest::addColumn<bool>("needsRoot");
    const passwd *nobody = ::getpwnam("nobody");
    const group *nogroup = ::getgrnam("nogroup");
    QVERIFY(nobody && nogroup); // both exist on every Debian and Ubuntu system
    const uint ownGid = uint(::getgid());
    QTest::newRow("own-group-by-id") << QStringList{"--socket-group", QString::number(ownGid)}
                                     << uint(::getuid()) << ownGid << false;
    QTest::newRow("owner-by-name") << QStringList{"--socket-owner", "nobody"} << uint(nobody->pw_uid)
                                   << ownGid << true;
    QTest::newRow("owner-and-group-with-mode")
        << QStringList{"--socket-owner", "nobody", "--socket-group", "nogroup", "--socket-mode", "0660"}
        << uint(nobody->pw_uid) << uint(nogroup->gr_gid) << true;
#endif
}

void tst_E2eAccess::socketOwnerAndGroup()
{
#ifdef Q_OS_UNIX
    QFETCH(QStringList, options);
    QFETCH(uint, uid);
    QFETCH(uint, gid);
    QFETCH(bool, needsRoot);
    // Giving a file away needs root; .ci/run runs as root, so there this never skips.
    if (needsRoot && ::geteuid() != 0) {
        if (ProcessFixture::missingToolIsFailure())
            QFAIL("this row needs root (AFCGI_TEST_STRICT=1)");
        QSKIP("giving the socket to another user needs root");
    }
    const QString socketPath = m_fixture->path(QStringLiteral("afcgi.sock"));
    const QString address = QStringLiteral("unix:") + socketPath;
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid(QStringList{QStringLiteral("--listen"), address} + options,
                                              address, &error);
    QVERIFY2(afcgid, qPrintable(error));
    QCOMPARE(ownerOf(socketPath), qMakePair(uid, gid));
#else
    QSKIP("owners of socket files are Unix-only");
#endif
}

void tst_E2eAccess::unknownSocketOwnerStopsStart_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("unknown-group") << QStringList{"--socket-group", "no-such-group-afcgi"}
                                   << QByteArray("--socket-group: no group 'no-such-group-afcgi'");
    QTest::newRow("unknown-owner") << QStringList{"--socket-owner", "no-such-user-afcgi"}
                                   << QByteArray("--socket-owner: no user 'no-such-user-afcgi'");
}

// A socket that cannot be given to the requested account must not be left open to others:
// afcgid refuses to start and says why.
void tst_E2eAccess::unknownSocketOwnerStopsStart()
{
#ifdef Q_OS_UNIX
    QFETCH(QStringList, options);
    QFETCH(QByteArray, message);
    const QString socketPath = m_fixture->path(QStringLiteral("afcgi.sock"));
    QProcess afcgid;
    afcgid.start(ProcessFixture::afcgidPath(),
                 QStringList{QStringLiteral("--listen"), QStringLiteral("unix:") + socketPath,
                             QStringLiteral("--monitor"), QStringLiteral("none")} + options);
    QVERIFY(afcgid.waitForFinished(10000));
    QCOMPARE(afcgid.exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid.exitCode(), 1);
    const QByteArray errors = afcgid.readAllStandardError();
    QVERIFY2(errors.contains(message), errors.constData());
    QVERIFY2(!QFile::exists(socketPath), "the socket file was left behind");
#else
    QSKIP("owners of socket files are Unix-only");
#endif
}

void tst_E2eAccess::monitorSocketIsPrivate()
{
#ifdef Q_OS_UNIX
    // The monitor shows every request's URI and the log: only the service's own user may connect,
    // whatever --socket-mode opens the FastCGI listener to. Checked by the file mode, since a
    // test cannot switch to another user.
    const QString socketPath = m_fixture->path(QStringLiteral("afcgi.sock"));
    const QString address = QStringLiteral("unix:") + socketPath;
    const QString monitorPath = m_fixture->path(QStringLiteral("private-monitor.sock"));
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                               QStringLiteral("--socket-mode"), QStringLiteral("0666"),
                                               QStringLiteral("--monitor"), monitorPath},
                                              address, &error);
    QVERIFY2(afcgid, qPrintable(error));
    // The monitor channel opens after the listeners. Its log line is awaited rather than a
    // connection: a monitor that attaches just before the fixture's SIGTERM can leave afcgid
    // hung at exit (a snapshot answer still queued; see Engine::collectSnapshot).
    QTRY_VERIFY_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).contains("monitor channel on"),
                             kResponseTimeoutMs);
    QVERIFY(QFile::exists(monitorPath));
    QCOMPARE(octal(modeOf(socketPath)), QByteArray("0666"));

    const int mode = modeOf(monitorPath);
    QVERIFY2(mode >= 0, qPrintable(monitorPath));
    QVERIFY2((mode & 0077) == 0, octal(mode).constData());
    QVERIFY2((mode & 0600) == 0600, octal(mode).constData());
#else
    QSKIP("file modes are Unix-only");
#endif
}

QTEST_GUILESS_MAIN(tst_E2eAccess)
#include "tst_e2e_access.moc"
