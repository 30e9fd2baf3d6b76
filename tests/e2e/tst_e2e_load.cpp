// Load through the front ends' samples, as users copy them: 64 HTTP clients, 100,000 requests
// each run, every status and every body checked. HAProxy's sample multiplexes many requests on
// few FastCGI connections; it runs as it is (HAProxy takes one thread per CPU) and with
// `nbthread 1` (a one-core machine, or many clients sharing one thread's connection), where
// HAProxy before 3.4 answers about 1 request in 100 with a 500 unless the sample's
// `tune.bufsize` is raised (see resources/haproxy/afcgi.cfg). nginx's sample is the comparison.

#include "frontends.h"
#include "e2etest.h"
#include "wrkload.h"

#include <QtTest>

using namespace e2e;

namespace {

constexpr int kClients = 64;
constexpr qint64 kRequests = 100000;
constexpr int kLoadTimeoutMs = 150000; // a slow, shared CI machine does 100,000 in ~10 s

// The front end's access-log lines with this status, a few of them: HAProxy's say why
// (its termination state, e.g. "IH--").
QByteArray logLinesWithStatus(const QByteArray &log, int status, int most = 5)
{
    QByteArray lines;
    const QByteArray needle = ' ' + QByteArray::number(status) + ' ';
    for (const QByteArray &line : log.split('\n')) {
        if (line.contains(needle) && most-- > 0)
            lines += line + '\n';
    }
    return lines;
}

} // namespace

Q_DECLARE_METATYPE(e2e::FrontEnd)

class tst_E2eLoad : public E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void sampleUnderLoad_data();
    void sampleUnderLoad();
};

void tst_E2eLoad::sampleUnderLoad_data()
{
    QTest::addColumn<FrontEnd>("frontEnd");
    QTest::addColumn<QList<ProcessFixture::Substitution>>("variant");
    QTest::addColumn<QString>("logName");

    QTest::newRow("haproxy-sample") << FrontEnd::Haproxy << QList<ProcessFixture::Substitution>{}
                                    << QStringLiteral("haproxy");
    QTest::newRow("haproxy-sample-nbthread-1")
        << FrontEnd::Haproxy
        << QList<ProcessFixture::Substitution>{{QStringLiteral("global"), QStringLiteral("global\n    nbthread 1")}}
        << QStringLiteral("haproxy");
    QTest::newRow("nginx-sample") << FrontEnd::Nginx << QList<ProcessFixture::Substitution>{}
                                  << QStringLiteral("nginx-access");
}

void tst_E2eLoad::sampleUnderLoad()
{
    QFETCH(FrontEnd, frontEnd);
    QFETCH(QList<ProcessFixture::Substitution>, variant);
    QFETCH(QString, logName);
    for (const QString &missing : {ProcessFixture::findTool(frontEndProgram(frontEnd)).isEmpty()
                                       ? frontEndProgram(frontEnd) + QStringLiteral(" is not installed")
                                       : QString(),
                                   wrkMissing()}) {
        if (missing.isEmpty())
            continue;
        if (ProcessFixture::missingToolIsFailure())
            QFAIL(qPrintable(missing + QStringLiteral(" (AFCGI_TEST_STRICT=1: missing is a failure)")));
        QSKIP(qPrintable(missing));
    }

    // afcgid as the HAProxy sample asks: --request-queue at least its `option max-reqs`.
    QString error;
    const QString afcgid = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QVERIFY2(m_fixture->startAfcgid({QStringLiteral("--listen"), afcgid, QStringLiteral("--request-queue"),
                                     QStringLiteral("100"), QStringLiteral("--log-level"), QStringLiteral("warning")},
                                    afcgid, &error),
             qPrintable(error));
    const quint16 httpPort = ProcessFixture::freeTcpPort();
    QVERIFY2(startFrontEnd(*m_fixture, frontEnd, {afcgid}, httpPort, &error, variant), qPrintable(error));

    const WrkLoadResult result = runWrkLoad(QStringLiteral("http://127.0.0.1:%1/hello").arg(httpPort),
                                            kClients, kRequests, "Hello world\n", kLoadTimeoutMs);
    qInfo("%s", result.summary().constData());

    QByteArray failure = result.summary();
    for (auto it = result.statuses.cbegin(); it != result.statuses.cend(); ++it)
        failure += "\n" + logLinesWithStatus(m_fixture->log(logName), it.key());
    QVERIFY2(result.allGood(kRequests), failure.constData());
}

QTEST_GUILESS_MAIN(tst_E2eLoad)
#include "tst_e2e_load.moc"
