// Scale-out: two afcgid instances behind one HAProxy backend (resources/haproxy/afcgi.cfg with
// both of its servers), balanced round-robin. Both serve; and stopping one with SIGTERM while it
// has requests in flight loses none of them, nor any request that comes after.

#include "e2etest.h"
#include "frontends.h"
#include "processcontrol.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace e2e;

namespace {

constexpr int kHellos = 20;
constexpr int kDelays = 10;
constexpr int kDelayMs = 3000;

qint64 totalRequests(const QJsonObject &status)
{
    return status.value(QStringLiteral("requests")).toObject().value(QStringLiteral("total")).toInteger(-1);
}

} // namespace

class tst_E2eScaleOut : public E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bothInstancesServe();
    void stoppingOneLosesNoRequest();

private:
    // Instances "a" and "b", then HAProxy in front of both; sets m_addresses and m_baseUrl.
    bool startStack(QString *error);
    CurlResult hello() const { return m_fixture->curl(m_baseUrl + QStringLiteral("/hello")); }

    QProcess *m_instanceA = nullptr;
    QStringList m_addresses;
    QString m_baseUrl;
};

void tst_E2eScaleOut::initTestCase()
{
    if (!canSendSignals())
        QSKIP("sends SIGTERM, which this system does not have");
    E2E_REQUIRE_TOOL(haproxy, "haproxy");
    E2E_REQUIRE_TOOL(curl, "curl");
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

bool tst_E2eScaleOut::startStack(QString *error)
{
    m_addresses.clear();
    for (const QString &name : {QStringLiteral("a"), QStringLiteral("b")}) {
        const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
        QProcess *instance = m_fixture->start(
            ProcessFixture::afcgidPath(),
            {QStringLiteral("--listen"), address, QStringLiteral("--threads"), QStringLiteral("2"),
             QStringLiteral("--monitor"), m_fixture->path(QStringLiteral("monitor-%1.sock").arg(name))},
            QStringLiteral("afcgid-") + name, address, error);
        if (!instance)
            return false;
        if (m_addresses.isEmpty())
            m_instanceA = instance;
        m_addresses.append(address);
    }
    const quint16 httpPort = ProcessFixture::freeTcpPort();
    if (!startFrontEnd(*m_fixture, FrontEnd::Haproxy, m_addresses, httpPort, error))
        return false;
    m_baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(httpPort);
    return true;
}

void tst_E2eScaleOut::bothInstancesServe()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    const qint64 beforeA = totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(0)));
    const qint64 beforeB = totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(1)));
    for (int i = 0; i < kHellos; ++i) {
        const CurlResult r = hello();
        QVERIFY2(r.exitCode == 0, r.errors.constData());
        QCOMPARE(r.httpStatus, 200);
    }
    // Each instance's total counts the /status request that reads it, hence the - 1.
    const qint64 servedA = totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(0))) - beforeA - 1;
    const qint64 servedB = totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(1))) - beforeB - 1;
    qInfo("instance a served %lld, instance b %lld", servedA, servedB);
    QCOMPARE(servedA + servedB, qint64(kHellos));
    QVERIFY2(servedA >= kHellos / 4 && servedB >= kHellos / 4, "round-robin should share the load");
}

void tst_E2eScaleOut::stoppingOneLosesNoRequest()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));

    // Slow requests in flight on both instances.
    const QStringList urls(kDelays, m_baseUrl + QStringLiteral("/delay?ms=%1").arg(kDelayMs));
    const auto delays = ProcessFixture::startCurl(ProcessFixture::parallelCurlArguments(urls));
    int onA = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (onA = ProcessFixture::activeRequests(ProcessFixture::afcgidStatus(m_addresses.at(0))))
                + ProcessFixture::activeRequests(ProcessFixture::afcgidStatus(m_addresses.at(1)))
            == kDelays,
        kDelayMs / 2);
    QVERIFY2(onA > 0, "no request went to instance a");

    QVERIFY(sendSignal(*m_instanceA, Signal::Terminate));

    // New requests keep coming while instance a drains and after it has gone; none may fail.
    int whileDraining = 0;
    QElapsedTimer clock;
    clock.start();
    while (m_instanceA->state() != QProcess::NotRunning && !m_instanceA->waitForFinished(50)) {
        const CurlResult r = hello();
        QVERIFY2(r.httpStatus == 200, qPrintable(QStringLiteral("request %1 after SIGTERM: %2 %3")
                                                     .arg(whileDraining).arg(r.httpStatus)
                                                     .arg(QString::fromLocal8Bit(r.errors))));
        ++whileDraining;
        QVERIFY2(clock.elapsed() < kDelayMs + 10000, "instance a did not exit after draining");
    }
    // It exits by itself, cleanly, once what it had in flight is done.
    QCOMPARE(m_instanceA->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_instanceA->exitCode(), 0);
    QVERIFY2(clock.elapsed() >= kDelayMs / 2, "instance a exited before its requests could finish");

    // Every request that was in flight on it still got its answer.
    QVERIFY(delays->waitForFinished(kDelayMs + 10000));
    QCOMPARE(ProcessFixture::statusesOf(delays->readAllStandardOutput()), QList<int>(kDelays, 200));

    // From now on instance b takes everything.
    const qint64 beforeB = totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(1)));
    for (int i = 0; i < kHellos; ++i)
        QCOMPARE(hello().httpStatus, 200);
    QCOMPARE(totalRequests(ProcessFixture::afcgidStatus(m_addresses.at(1))) - beforeB - 1, qint64(kHellos));
    qInfo("%d of %d in flight on instance a; %d requests served while it drained", onA, kDelays,
          whileDraining);
}

QTEST_GUILESS_MAIN(tst_E2eScaleOut)
#include "tst_e2e_scaleout.moc"
