// Several services in one window: the sidebar's model, where local channels are found, the
// remote services kept in the settings, and the window against two real afcgid processes (and a
// third reached through a command's stdin/stdout), switching between them without losing what
// each one showed.

#include "channeldiscovery.h"
#include "completionmodel.h"
#include "fcgiclient.h"
#include "mainwindow.h"
#include "processfixture.h"
#include "serviceentry.h"
#include "servicelistmodel.h"
#include "serviceswindow.h"

#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QLocalServer>
#include <QLocalSocket>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#endif

#include <memory>

using namespace afcgi;
using namespace afcgi::gui;

class tst_Services : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void modelShowsStateAndRate();
    void savedServicesRoundTrip();
    void discoveryListsAnsweringChannelsOnly();
    void sidebarWatchesSeveralServices();
    void remoteServiceIsSavedAndForgotten();

private:
    bool startService(const QString &channel, QProcess **process, QString *address);

    std::unique_ptr<e2e::ProcessFixture> m_fixture;
};

void tst_Services::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("afcgi-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_services"));
}

void tst_Services::init()
{
    QSettings().clear();
    m_fixture = std::make_unique<e2e::ProcessFixture>();
}

void tst_Services::modelShowsStateAndRate()
{
    ServiceListModel model;
    ServiceEntry local;
    local.title = QStringLiteral("web");
    local.channel = QStringLiteral("/run/user/1000/afcgi/web");
    ServiceEntry remote;
    remote.title = QStringLiteral("db host");
    remote.via = QStringLiteral("ssh db");
    QCOMPARE(model.add(local), 0);
    QCOMPARE(model.add(remote), 1);
    QCOMPARE(model.add(local), -1); // the same service twice is listed once
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("web\nConnecting"));

    model.setPhase(0, ServiceState::Phase::Running);
    model.setRate(0, 12.5);
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("web\nRunning · 12.5 req/s"));
    QVERIFY(!model.index(0).data(Qt::ForegroundRole).isValid());
    model.setPhase(0, ServiceState::Phase::Disconnected);
    QCOMPARE(model.rate(0), 0.0); // a rate from before the loss would be a lie
    QCOMPARE(model.index(0).data().toString(), QStringLiteral("web\nDisconnected"));
    QVERIFY(model.index(0).data(Qt::ForegroundRole).isValid()); // dimmed
    QCOMPARE(model.index(1).data(Qt::ToolTipRole).toString(),
             QStringLiteral("ssh db → afcgid --monitor-relay (default channel)"));

    model.remove(0);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.rowOf(remote.key()), 0);
    QCOMPARE(model.rowOf(local.key()), -1);
}

void tst_Services::savedServicesRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    ServiceEntry one;
    one.via = QStringLiteral("ssh web1");
    one.title = QStringLiteral("web1");
    ServiceEntry two;
    two.via = QStringLiteral("ssh -p 2222 ops@web2");
    two.channel = QStringLiteral("shop");
    two.remoteProgram = QStringLiteral("/opt/afcgi/bin/afcgid");
    two.title = QStringLiteral("shop on web2");
    saveSavedServices(settings, { one, two });
    settings.sync();

    QSettings again(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    const QList<ServiceEntry> loaded = loadSavedServices(again);
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded.at(0).key(), one.key());
    QCOMPARE(loaded.at(0).title, one.title);
    QCOMPARE(loaded.at(1).key(), two.key());
    QCOMPARE(loaded.at(1).remoteProgram, two.remoteProgram);
    QCOMPARE(loaded.at(1).title, two.title);

    saveSavedServices(again, { two }); // saving replaces, it does not append
    QCOMPARE(loadSavedServices(again).size(), 1);
}

void tst_Services::discoveryListsAnsweringChannelsOnly()
{
#ifndef Q_OS_UNIX
    QSKIP("Windows channels are named pipes, not files in a directory");
#else
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QLocalServer alive;
    QVERIFY(alive.listen(dir.filePath(QStringLiteral("alive"))));
    QFile plain(dir.filePath(QStringLiteral("notes.txt")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub")));
    // A socket file that nobody listens on: what a service killed with SIGKILL leaves behind.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const QByteArray stale = QFile::encodeName(dir.filePath(QStringLiteral("stale")));
    qstrncpy(address.sun_path, stale.constData(), sizeof address.sun_path);
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ::close(fd);
    QVERIFY(QFile::exists(QString::fromLocal8Bit(stale)));

    QCOMPARE(findLocalChannels(dir.path()), QStringList{ dir.filePath(QStringLiteral("alive")) });
    bool timedOut = false;
    QVERIFY(alive.waitForNewConnection(0, &timedOut)); // the probe reached it
    while (QLocalSocket *probe = alive.nextPendingConnection())
        delete probe;
    // A channel listed already is not probed again: the service would take each probe for a
    // monitor attaching and log it.
    QCOMPARE(findLocalChannels(dir.path(), { dir.filePath(QStringLiteral("alive")) }), QStringList());
    QVERIFY(!alive.waitForNewConnection(0, &timedOut));
    QVERIFY(timedOut);
    QCOMPARE(findLocalChannels(QString()), QStringList());
    QCOMPARE(findLocalChannels(dir.filePath(QStringLiteral("missing"))), QStringList());
#endif
}

bool tst_Services::startService(const QString &channel, QProcess **process, QString *address)
{
    QString error;
    *address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    *process = m_fixture->startAfcgid({ QStringLiteral("--listen"), *address, QStringLiteral("--monitor"),
                                        channel, QStringLiteral("--threads"), QStringLiteral("1") },
                                      *address, &error);
    if (!*process)
        qWarning("%s", qPrintable(error));
    return *process != nullptr;
}

void tst_Services::sidebarWatchesSeveralServices()
{
    const QString channels = m_fixture->path(QStringLiteral("channels"));
    QVERIFY(QDir().mkpath(channels));
    QFile::setPermissions(channels, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcess *alpha = nullptr, *beta = nullptr;
    QString alphaAddress, betaAddress;
    QVERIFY(startService(channels + QStringLiteral("/alpha"), &alpha, &alphaAddress));
    QVERIFY(startService(channels + QStringLiteral("/beta"), &beta, &betaAddress));

    ServicesWindow window;
    window.setChannelDirectory(channels);
    ServiceEntry named;
    named.title = QStringLiteral("alpha");
    named.channel = channels + QStringLiteral("/alpha");
    MainWindow *first = window.addService(named);
    window.discoverLocalChannels(); // alpha is listed already; beta is found
    QCOMPARE(window.serviceCount(), 2);
    QCOMPARE(window.model()->entry(1).title, QStringLiteral("beta"));
    MainWindow *second = window.service(1);
    for (MainWindow *service : { first, second })
        service->client()->setRetryInterval(200);
    window.resize(1200, 700);
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
    window.show();
    window.start();
    QCOMPARE(window.current(), first);
    QTRY_COMPARE(window.model()->phase(0), ServiceState::Phase::Running);
    QTRY_COMPARE(window.model()->phase(1), ServiceState::Phase::Running);
    QTRY_VERIFY(window.windowTitle().contains(QStringLiteral("pid %1").arg(alpha->processId())));

    // Traffic on alpha only: its rate shows in the sidebar, beta's stays 0.
    FcgiClient client;
    client.setKeepResponses(false);
    client.connectToServer(alphaAddress);
    QVERIFY(client.waitForConnected());
    bool running = true;
    connect(&client, &FcgiClient::requestEnded, &client, [&] {
        if (running)
            client.sendGet("/hello");
    });
    for (int i = 0; i < 4; ++i)
        client.sendGet("/hello");
    QTRY_VERIFY(window.model()->rate(0) > 0);
    QCOMPARE(window.model()->rate(1), 0.0);
    QVERIFY(window.model()->index(0).data().toString().contains(QStringLiteral("req/s")));
    running = false;
    QTRY_VERIFY(first->completionModel()->rowCount() > 0);

    // Switching shows the other service and keeps what the first one had.
    const int completions = first->completionModel()->rowCount();
    window.setCurrent(1);
    QCOMPARE(window.current(), second);
    QTRY_VERIFY(window.windowTitle().contains(QStringLiteral("pid %1").arg(beta->processId())));
    QCOMPARE(second->completionModel()->rowCount(), 0);
    window.setCurrent(0);
    QCOMPARE(window.current(), first);
    QVERIFY(first->completionModel()->rowCount() >= completions);
    QCOMPARE(first->client()->state(), MonitorClient::State::Connected);

    // A service that goes away is shown as such; the other carries on.
    e2e::ProcessFixture::stop(beta);
    QTRY_COMPARE(window.model()->phase(1), ServiceState::Phase::Disconnected);
    QCOMPARE(window.model()->phase(0), ServiceState::Phase::Running);
    QVERIFY(window.model()->index(1).data(Qt::ForegroundRole).isValid());
}

void tst_Services::remoteServiceIsSavedAndForgotten()
{
    const QString channels = m_fixture->path(QStringLiteral("channels"));
    QVERIFY(QDir().mkpath(channels));
    QProcess *gamma = nullptr;
    QString address;
    QVERIFY(startService(channels + QStringLiteral("/gamma"), &gamma, &address));

    // The "remote" host is this one, reached through `env`: the client runs
    // `env <afcgid> --monitor-relay <channel>` and speaks over its stdin and stdout.
    ServiceEntry remote;
    remote.title = QStringLiteral("gamma, relayed");
    remote.via = QStringLiteral("env");
    remote.remoteProgram = e2e::ProcessFixture::afcgidPath();
    remote.channel = channels + QStringLiteral("/gamma");
    {
        ServicesWindow window;
        window.setChannelDirectory(m_fixture->path(QStringLiteral("none")));
        window.start();
        MainWindow *relayed = window.addRemoteService(remote);
        QCOMPARE(window.serviceCount(), 1);
        QCOMPARE(window.current(), relayed);
        QTRY_COMPARE(window.model()->phase(0), ServiceState::Phase::Running);
        QTRY_VERIFY(relayed->statusText().contains(QStringLiteral("pid %1").arg(gamma->processId())));
    }
    {
        QSettings settings;
        QCOMPARE(loadSavedServices(settings).size(), 1);
    }

    // The next window lists it from the settings; removing it forgets it there too.
    ServicesWindow window;
    window.setChannelDirectory(m_fixture->path(QStringLiteral("none")));
    window.addSavedServices();
    QCOMPARE(window.serviceCount(), 1);
    QCOMPARE(window.model()->entry(0).key(), remote.key());
    window.removeService(0);
    QCOMPARE(window.serviceCount(), 0);
    QSettings settings;
    QCOMPARE(loadSavedServices(settings).size(), 0);
}

QTEST_MAIN(tst_Services)
#include "tst_services.moc"
