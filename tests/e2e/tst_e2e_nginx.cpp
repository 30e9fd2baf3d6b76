// End to end through a real nginx: curl -> nginx (resources/nginx/afcgi.conf) -> afcgid, with
// the FastCGI hop over TCP and over a Unix-domain socket.

#include "processfixture.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using e2e::ProcessFixture;

namespace {

constexpr int kCurlTimeoutMs = 30000; // a 10 MB echo takes a second or two here
constexpr qsizetype kEchoBytes = 10 * 1024 * 1024;

struct CurlResult
{
    int exitCode = -1;
    int httpStatus = 0;
    QByteArray contentType;
    QByteArray body;
    QByteArray errors; // curl's stderr
};

} // namespace

class tst_E2eNginx : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void hello_data() { addTransportRows(); }
    void hello();
    void echoTenMegabytes_data() { addTransportRows(); }
    void echoTenMegabytes();
    void streamArrivesLineByLine_data() { addTransportRows(); }
    void streamArrivesLineByLine();
    void notFound_data() { addTransportRows(); }
    void notFound();

private:
    static void addTransportRows();
    // Starts afcgid (on TCP or on a Unix socket) and nginx in front of it; sets m_baseUrl.
    bool startStack(const QString &transport, QString *error);
    CurlResult curl(const QStringList &arguments, const QString &path);

    QString m_curl;
    std::unique_ptr<ProcessFixture> m_fixture;
    QString m_baseUrl;
};

void tst_E2eNginx::initTestCase()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(curl, "curl");
    m_curl = curl;
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

void tst_E2eNginx::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    m_fixture = std::make_unique<ProcessFixture>();
    QVERIFY(m_fixture->isValid());
}

void tst_E2eNginx::cleanup()
{
    if (QTest::currentTestFailed() && m_fixture)
        qInfo().noquote() << "logs of the failed test:\n" + QString::fromLocal8Bit(m_fixture->allLogs());
    m_fixture.reset();
}

void tst_E2eNginx::addTransportRows()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("unix") << QStringLiteral("unix");
}

bool tst_E2eNginx::startStack(const QString &transport, QString *error)
{
    QString listen;
    QString upstream;
    if (transport == QLatin1String("unix")) {
        const QString socketPath = m_fixture->path(QStringLiteral("afcgi.sock"));
        listen = QStringLiteral("unix:") + socketPath;
        upstream = listen;
    } else {
        const quint16 port = ProcessFixture::freeTcpPort();
        listen = QStringLiteral("127.0.0.1:%1").arg(port);
        upstream = listen;
    }
    if (!m_fixture->startAfcgid({QStringLiteral("--listen"), listen, QStringLiteral("--threads"),
                                 QStringLiteral("2"), QStringLiteral("--shutdown-grace"),
                                 QStringLiteral("2000")},
                                listen, error)) {
        return false;
    }
    const quint16 httpPort = ProcessFixture::freeTcpPort();
    if (!m_fixture->startNginx(upstream, httpPort, error))
        return false;
    m_baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(httpPort);
    return true;
}

CurlResult tst_E2eNginx::curl(const QStringList &arguments, const QString &path)
{
    CurlResult result;
    const QString bodyFile = m_fixture->path(QStringLiteral("curl-body.out"));
    QFile::remove(bodyFile);
    QProcess process;
    QStringList args{QStringLiteral("-sS"), QStringLiteral("--noproxy"), QStringLiteral("*"),
                     QStringLiteral("--max-time"), QString::number(kCurlTimeoutMs / 1000),
                     QStringLiteral("-o"), bodyFile,
                     QStringLiteral("-w"), QStringLiteral("%{http_code} %{content_type}")};
    args += arguments;
    args += m_baseUrl + path;
    process.start(m_curl, args);
    if (!process.waitForFinished(kCurlTimeoutMs + 5000)) {
        process.kill();
        process.waitForFinished();
        result.errors = "curl did not finish";
        return result;
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.errors = process.readAllStandardError();
    const QByteArray written = process.readAllStandardOutput().trimmed();
    const qsizetype space = written.indexOf(' ');
    result.httpStatus = written.left(space < 0 ? written.size() : space).toInt();
    result.contentType = space < 0 ? QByteArray() : written.mid(space + 1);
    QFile body(bodyFile);
    if (body.open(QIODevice::ReadOnly))
        result.body = body.readAll();
    return result;
}

void tst_E2eNginx::hello()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    // Several in a row, so that nginx reuses its kept-alive FastCGI connection.
    for (int i = 0; i < 3; ++i) {
        const CurlResult r = curl({}, QStringLiteral("/hello"));
        QVERIFY2(r.exitCode == 0, r.errors.constData());
        QCOMPARE(r.httpStatus, 200);
        QVERIFY2(r.contentType.startsWith("text/plain"), r.contentType.constData());
        QCOMPARE(r.body, QByteArray("Hello world\n"));
    }
}

void tst_E2eNginx::echoTenMegabytes()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    QByteArray payload(kEchoBytes, Qt::Uninitialized);
    QRandomGenerator rng(0xafc91u);
    rng.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / sizeof(quint32));
    const QString uploadFile = m_fixture->path(QStringLiteral("upload.bin"));
    {
        QFile file(uploadFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(payload), payload.size());
    }
    const QByteArray sent = QCryptographicHash::hash(payload, QCryptographicHash::Sha256);

    const CurlResult r = curl({QStringLiteral("--data-binary"), QLatin1Char('@') + uploadFile,
                               QStringLiteral("-H"), QStringLiteral("Content-Type: application/x-afcgi-test")},
                              QStringLiteral("/echo"));
    // A stall here is the classic front-end deadlock: nginx stops sending the request body as
    // soon as it has passed the response header on (ngx_http_upstream_send_request_handler
    // ignores the upstream's write events once u->header_sent is set), so a responder that
    // answers before it has read the whole body waits forever for the rest.
    QVERIFY2(r.exitCode == 0,
             (r.errors + "(did /echo send its header before it had read the whole body?)").constData());
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.contentType, QByteArray("application/x-afcgi-test"));
    QCOMPARE(r.body.size(), payload.size());
    QCOMPARE(QCryptographicHash::hash(r.body, QCryptographicHash::Sha256).toHex(), sent.toHex());
}

void tst_E2eNginx::streamArrivesLineByLine()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    constexpr int kCount = 5;
    constexpr int kIntervalMs = 200;
    QProcess process;
    QElapsedTimer clock;
    QByteArray pending;
    QList<QByteArray> lines;
    QList<qint64> arrivals; // ms since the start, one per line
    auto readLines = [&] {
        pending += process.readAllStandardOutput();
        for (qsizetype nl; (nl = pending.indexOf('\n')) >= 0;) {
            lines.append(pending.left(nl));
            arrivals.append(clock.elapsed());
            pending.remove(0, nl + 1);
        }
    };
    connect(&process, &QProcess::readyReadStandardOutput, this, readLines);
    QSignalSpy finished(&process, &QProcess::finished);
    clock.start();
    // -N: no output buffering in curl, so each line is seen when nginx passes it on.
    process.start(m_curl, {QStringLiteral("-sS"), QStringLiteral("-N"), QStringLiteral("--fail"),
                           QStringLiteral("--noproxy"), QStringLiteral("*"),
                           QStringLiteral("--max-time"), QStringLiteral("30"),
                           m_baseUrl + QStringLiteral("/stream?count=%1&interval_ms=%2")
                                           .arg(kCount).arg(kIntervalMs)});
    QVERIFY(process.waitForStarted());
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 35000);
    readLines();

    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QCOMPARE(lines.size(), kCount);
    for (const QByteArray &line : std::as_const(lines))
        QVERIFY2(!line.trimmed().isEmpty(), "an empty line");
    // The lines are produced kIntervalMs apart (800 ms from first to last). Had nginx or
    // afcgid buffered them, they would arrive together; half the spread is a safe bar.
    const qint64 spread = arrivals.last() - arrivals.first();
    QVERIFY2(spread >= (kCount - 1) * kIntervalMs / 2,
             qPrintable(QStringLiteral("lines arrived within %1 ms of each other").arg(spread)));
}

void tst_E2eNginx::notFound()
{
    QFETCH(QString, transport);
    QString error;
    QVERIFY2(startStack(transport, &error), qPrintable(error));

    const CurlResult r = curl({}, QStringLiteral("/nope"));
    QVERIFY2(r.exitCode == 0, r.errors.constData());
    QCOMPARE(r.httpStatus, 404);
    QVERIFY(!r.body.isEmpty());
    // And the connection is still good for the next request.
    const CurlResult hello = curl({}, QStringLiteral("/hello"));
    QCOMPARE(hello.httpStatus, 200);
}

QTEST_GUILESS_MAIN(tst_E2eNginx)
#include "tst_e2e_nginx.moc"
