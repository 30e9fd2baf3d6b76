#include "frontendtest.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QUrl>
#include <QtTest>

namespace e2e {

namespace {

constexpr qsizetype kEchoBytes = 5 * 1024 * 1024;
constexpr int kDelayMs = 5000;          // the request a client walks away from
constexpr int kStreamLines = 40;        // /stream in the disconnect test: 10 s in all
constexpr int kStreamIntervalMs = 250;
constexpr qsizetype kUploadBytes = 8 * 1024 * 1024; // announced; a quarter MiB is sent
constexpr qsizetype kUploadSentBytes = 256 * 1024;
constexpr int kAbortNoticedMs = 3000;   // well before the request would end by itself

const char *disconnectName(Disconnect disconnect)
{
    switch (disconnect) {
    case Disconnect::Waiting: return "waiting";
    case Disconnect::Streaming: return "streaming";
    case Disconnect::Uploading: return "uploading";
    }
    return "?";
}

} // namespace

void FrontEndTest::initTestCase()
{
    for (const QString &tool : {frontEndProgram(m_traits.frontEnd), QStringLiteral("curl")}) {
        if (!ProcessFixture::findTool(tool).isEmpty())
            continue;
        if (ProcessFixture::missingToolIsFailure())
            QFAIL(qPrintable(tool + QStringLiteral(" is not installed (AFCGI_TEST_STRICT=1: missing is a failure)")));
        QSKIP(qPrintable(tool + QStringLiteral(" is not installed")));
    }
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

void FrontEndTest::addTransportRows() const
{
    QTest::addColumn<QString>("transport");
    for (const QString &transport : m_traits.transports)
        QTest::newRow(qPrintable(transport)) << transport;
}

bool FrontEndTest::startStack(const QString &transport, QString *error,
                              const QStringList &afcgidArguments)
{
    m_afcgidAddress = transport == QLatin1String("unix")
        ? QStringLiteral("unix:") + m_fixture->path(QStringLiteral("afcgi.sock"))
        : QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    if (!m_fixture->startAfcgid(QStringList{QStringLiteral("--listen"), m_afcgidAddress,
                                            QStringLiteral("--threads"), QStringLiteral("2"),
                                            QStringLiteral("--shutdown-grace"), QStringLiteral("2000")}
                                    + afcgidArguments,
                                m_afcgidAddress, error)) {
        return false;
    }
    const quint16 httpPort = ProcessFixture::freeTcpPort();
    if (!startFrontEnd(*m_fixture, m_traits.frontEnd, {m_afcgidAddress}, httpPort, error))
        return false;
    m_baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(httpPort);
    return true;
}

CurlResult FrontEndTest::curl(const QString &path, const QStringList &arguments) const
{
    return m_fixture->curl(m_baseUrl + path, arguments);
}

QJsonObject FrontEndTest::afcgidStatus(bool full) const
{
    return ProcessFixture::afcgidStatus(m_afcgidAddress, full);
}

void FrontEndTest::hello()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    // Several in a row, so that a front end that keeps its FastCGI connection reuses it.
    for (int i = 0; i < 3; ++i) {
        const CurlResult r = curl(QStringLiteral("/hello"));
        QVERIFY2(r.exitCode == 0, r.errors.constData());
        QCOMPARE(r.httpStatus, 200);
        QVERIFY2(r.contentType.startsWith("text/plain"), r.contentType.constData());
        QCOMPARE(r.body, QByteArray("Hello world\n"));
    }
}

void FrontEndTest::echoFiveMegabytes()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    QByteArray payload(kEchoBytes, Qt::Uninitialized);
    QRandomGenerator rng(0xafc91u);
    rng.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / sizeof(quint32));
    QVERIFY2(m_fixture->writeFile(QStringLiteral("upload.bin"), payload, &error), qPrintable(error));
    const QByteArray sent = QCryptographicHash::hash(payload, QCryptographicHash::Sha256);

    const CurlResult r = curl(QStringLiteral("/echo"),
                              {QStringLiteral("--data-binary"), QLatin1Char('@') + m_fixture->path(QStringLiteral("upload.bin")),
                               QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-afcgi-test")});
    // A stall here is the classic front-end deadlock: nginx, for one, stops sending the request
    // body once it has passed the response header on, so a responder that answers before it has
    // read the whole body waits forever for the rest.
    QVERIFY2(r.exitCode == 0,
             (r.errors + "(did /echo send its header before it had read the whole body?)").constData());
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.contentType, QByteArray("application/x-afcgi-test"));
    QCOMPARE(r.body.size(), payload.size());
    QCOMPARE(QCryptographicHash::hash(r.body, QCryptographicHash::Sha256).toHex(), sent.toHex());
}

void FrontEndTest::streamArrivesLineByLine()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    constexpr int kCount = 5;
    constexpr int kIntervalMs = 200;
    QElapsedTimer clock;
    QByteArray pending;
    QList<QByteArray> lines;
    QList<qint64> arrivals; // ms since the start, one per line
    clock.start();
    // -N: no output buffering in curl, so each line is seen when the front end passes it on.
    const auto process = ProcessFixture::startCurl(
        {QStringLiteral("-N"), QStringLiteral("--fail"),
         m_baseUrl + QStringLiteral("/stream?count=%1&interval_ms=%2").arg(kCount).arg(kIntervalMs)});
    auto readLines = [&] {
        pending += process->readAllStandardOutput();
        for (qsizetype nl; (nl = pending.indexOf('\n')) >= 0;) {
            lines.append(pending.left(nl));
            arrivals.append(clock.elapsed());
            pending.remove(0, nl + 1);
        }
    };
    connect(process.get(), &QProcess::readyReadStandardOutput, this, readLines);
    QSignalSpy finished(process.get(), &QProcess::finished);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 35000);
    readLines();

    QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
    QCOMPARE(lines.size(), kCount);
    for (const QByteArray &line : std::as_const(lines))
        QVERIFY2(!line.trimmed().isEmpty(), "an empty line");
    // The lines are produced kIntervalMs apart (800 ms from first to last). Had the front end
    // or afcgid buffered them, they would arrive together; half the spread is a safe bar.
    const qint64 spread = arrivals.last() - arrivals.first();
    QVERIFY2(spread >= (kCount - 1) * kIntervalMs / 2,
             qPrintable(QStringLiteral("lines arrived within %1 ms of each other").arg(spread)));
}

void FrontEndTest::notFound()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    const CurlResult r = curl(QStringLiteral("/nope"));
    QVERIFY2(r.exitCode == 0, r.errors.constData());
    QCOMPARE(r.httpStatus, 404);
    QVERIFY(!r.body.isEmpty());
    // And the front end is still good for the next request.
    QCOMPARE(curl(QStringLiteral("/hello")).httpStatus, 200);
}

void FrontEndTest::clientDisconnects_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("disconnect");
    for (const QString &transport : m_traits.transports) {
        for (Disconnect disconnect : m_traits.disconnects) {
            QTest::addRow("%s-%s", qPrintable(transport), disconnectName(disconnect))
                << transport << int(disconnect);
        }
    }
}

void FrontEndTest::clientDisconnects()
{
    QFETCH(QString, transport);
    QFETCH(int, disconnect);
    const auto kind = Disconnect(disconnect);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));
    const int abortedBefore = ProcessFixture::abortedRequests(afcgidStatus());
    QVERIFY(abortedBefore >= 0);

    // The client: curl, or for a half-sent body a socket (curl sends a body it has in full).
    std::unique_ptr<QProcess> client;
    QTcpSocket uploader;
    int runsForMs = kDelayMs;
    if (kind == Disconnect::Uploading) {
        uploader.connectToHost(QHostAddress::LocalHost, quint16(QUrl(m_baseUrl).port()));
        QVERIFY(uploader.waitForConnected(5000));
        uploader.write(QStringLiteral("POST /delay?ms=%1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Content-Type: application/octet-stream\r\n"
                                      "Content-Length: %2\r\n\r\n")
                           .arg(kDelayMs).arg(kUploadBytes).toLatin1());
        uploader.write(QByteArray(kUploadSentBytes, 'u'));
    } else if (kind == Disconnect::Streaming) {
        runsForMs = kStreamLines * kStreamIntervalMs;
        client = ProcessFixture::startCurl({QStringLiteral("-N"),
                                            m_baseUrl + QStringLiteral("/stream?count=%1&interval_ms=%2")
                                                            .arg(kStreamLines).arg(kStreamIntervalMs)});
    } else {
        client = ProcessFixture::startCurl({m_baseUrl + QStringLiteral("/delay?ms=%1").arg(kDelayMs)});
    }
    // afcgid has the request (and, when streaming, the client has a line of the response).
    QTRY_COMPARE_WITH_TIMEOUT(ProcessFixture::activeRequests(afcgidStatus()), 1, 5000);
    if (kind == Disconnect::Streaming)
        QTRY_VERIFY_WITH_TIMEOUT(client->bytesAvailable() > 0, 5000);

    if (client) {
        client->kill(); // the kernel closes its connection
        QVERIFY(client->waitForFinished(5000));
    } else {
        uploader.abort();
    }

    int aborted = -1;
    int active = -1;
    auto settled = [&] {
        const QJsonObject status = afcgidStatus();
        aborted = ProcessFixture::abortedRequests(status);
        active = ProcessFixture::activeRequests(status);
        return active == 0;
    };
    if (m_traits.abortsOn.contains(kind)) {
        // The abort reaches afcgid, which counts it and frees the request at once.
        QTRY_VERIFY2_WITH_TIMEOUT(settled() && aborted == abortedBefore + 1,
                                  qPrintable(QStringLiteral("aborted %1 (was %2), active %3")
                                                 .arg(aborted).arg(abortedBefore).arg(active)),
                                  kAbortNoticedMs);
    } else {
        // The front end does not pass this disconnect on: the request runs to its end.
        QTRY_VERIFY_WITH_TIMEOUT(settled(), runsForMs + 5000);
        QVERIFY2(aborted == abortedBefore,
                 "the front end now passes this disconnect on: add it to the suite's abortsOn "
                 "and to the README");
    }
    // Whatever the front end did with its FastCGI connection, the next request is served.
    QCOMPARE(curl(QStringLiteral("/hello")).httpStatus, 200);
}

} // namespace e2e
