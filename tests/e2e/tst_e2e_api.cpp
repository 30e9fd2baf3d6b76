// The public handler API end to end: curl -> nginx (resources/nginx/afcgi.conf, plus an internal
// location for X-Accel-Redirect) -> the notes application of resources/examples/notes, linked
// against libafcgi as an application's own main() is. JSON CRUD with 405, HEAD and 400s; a 20 MB
// file uploaded as multipart/form-data (the application's memory stays bounded) and downloaded
// with the same SHA-256 through X-Accel-Redirect (nginx sends it, not the application) and
// directly, with a Range; a cookie set and sent back.

#include "e2etest.h"
#include "frontends.h"
#include "sanitizers.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

using namespace e2e;

namespace {
constexpr qsizetype kUploadBytes = 20 * 1024 * 1024;
// Peak memory the application may add while it takes the 20 MB upload: a small part of it.
constexpr qint64 kUploadMemoryBytes = 8 * 1024 * 1024;

// A /proc/<pid>/status field in bytes (VmRSS, VmHWM); -1 where there is no /proc.
qint64 procStatusBytes(qint64 pid, const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}
} // namespace

class tst_E2eApi : public E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void notesCrud();
    void badInputGets400();
    void uploadThenDownloadTwentyMegabytes();
    void cookieComesBack();

private:
    bool startStack(QString *error);
    CurlResult curl(const QString &path, const QStringList &arguments = {}) const;
    QByteArray header(const QByteArray &name) const; // from the last curl() with -D
    QJsonObject appStatus() const;

    QString m_baseUrl;
    QString m_appAddress;
    QProcess *m_app = nullptr;
};

void tst_E2eApi::initTestCase()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(curlTool, "curl");
    QVERIFY2(QFile::exists(QStringLiteral(AFCGI_API_APP_PATH)), AFCGI_API_APP_PATH);
}

bool tst_E2eApi::startStack(QString *error)
{
    const QString notesDir = m_fixture->path(QStringLiteral("notes"));
    QDir().mkpath(notesDir);
    m_appAddress = QStringLiteral("unix:") + m_fixture->path(QStringLiteral("api.sock"));
    m_app = m_fixture->start(QStringLiteral(AFCGI_API_APP_PATH),
                             {QStringLiteral("--listen"), m_appAddress, QStringLiteral("--threads"),
                              QStringLiteral("2"), QStringLiteral("--monitor"),
                              m_fixture->path(QStringLiteral("monitor.sock")),
                              QStringLiteral("--notes-dir"), notesDir},
                             QStringLiteral("notes-server"), m_appAddress, error, 10000);
    if (!m_app)
        return false;
    const quint16 httpPort = ProcessFixture::freeTcpPort();
    const QList<ProcessFixture::Substitution> accel{
        {QStringLiteral("location /stream {"),
         QStringLiteral("location /protected/ { internal; alias %1/; }\n    location /stream {").arg(notesDir)}};
    if (!startFrontEnd(*m_fixture, FrontEnd::Nginx, {m_appAddress}, httpPort, error, accel))
        return false;
    m_baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(httpPort);
    return true;
}

CurlResult tst_E2eApi::curl(const QString &path, const QStringList &arguments) const
{
    const QString headers = m_fixture->path(QStringLiteral("curl-headers.out"));
    QFile::remove(headers);
    return m_fixture->curl(m_baseUrl + path, QStringList{QStringLiteral("-D"), headers} + arguments);
}

QByteArray tst_E2eApi::header(const QByteArray &name) const
{
    QFile file(m_fixture->path(QStringLiteral("curl-headers.out")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : file.readAll().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QJsonObject tst_E2eApi::appStatus() const
{
    return ProcessFixture::afcgidStatus(m_appAddress);
}

void tst_E2eApi::notesCrud()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    const QStringList json{QStringLiteral("-H"), QStringLiteral("Content-Type: application/json")};

    CurlResult r = curl(QStringLiteral("/notes"), json + QStringList{QStringLiteral("--data"), QStringLiteral("{\"title\":\"first\",\"text\":\"hello\"}")});
    QCOMPARE(r.httpStatus, 201);
    QCOMPARE(r.contentType, QByteArray("application/json"));
    QVERIFY(!header("X-Request-Id").isEmpty()); // the middleware's
    const qint64 id = QJsonDocument::fromJson(r.body).object()[QLatin1String("id")].toInteger();
    QVERIFY(id > 0);
    const QString note = QStringLiteral("/notes/%1").arg(id);

    r = curl(note, json + QStringList{QStringLiteral("-X"), QStringLiteral("PUT"), QStringLiteral("--data"), QStringLiteral("{\"text\":\"changed\"}")});
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object()[QLatin1String("text")].toString(), QStringLiteral("changed"));

    r = curl(QStringLiteral("/notes"));
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).array().size(), 1);

    r = curl(note, {QStringLiteral("-I")}); // HEAD: the GET route's headers, no body
    QCOMPARE(r.httpStatus, 200);
    QVERIFY2(r.body.startsWith("HTTP/1.1 200") && r.body.endsWith("\r\n\r\n"), r.body.constData()); // -I: headers only
    QVERIFY(header("Content-Length").toLongLong() > 0);

    r = curl(note, {QStringLiteral("-X"), QStringLiteral("PATCH")});
    QCOMPARE(r.httpStatus, 405);
    QCOMPARE(header("Allow"), QByteArray("GET, HEAD, PUT, DELETE"));

    r = curl(note, {QStringLiteral("-X"), QStringLiteral("DELETE")});
    QCOMPARE(r.httpStatus, 204);
    r = curl(note);
    QCOMPARE(r.httpStatus, 404);
    QCOMPARE(r.body, QByteArray("no such note\n"));
}

void tst_E2eApi::badInputGets400()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    struct Case
    {
        QString path;
        QStringList arguments;
        QByteArray body;
    };
    const QList<Case> cases{
        {QStringLiteral("/notes"),
         {QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"), QStringLiteral("--data"), QStringLiteral("{\"title\":")},
         "malformed JSON: unterminated object at offset 9\n"},
        {QStringLiteral("/notes"),
         {QStringLiteral("--data"), QStringLiteral("{\"title\":\"x\"}")}, // curl's default type: a form
         "expected Content-Type: application/json\n"},
        {QStringLiteral("/notes/prefs?theme=%zz"), {}, "malformed query string: bad percent escape\n"},
    };
    for (const Case &c : cases) {
        const CurlResult r = curl(c.path, c.arguments);
        QCOMPARE(r.httpStatus, 400);
        QCOMPARE(r.body, c.body);
    }
    // A multipart body that stops before its closing boundary.
    QVERIFY(m_fixture->writeFile(QStringLiteral("truncated.txt"),
                                 "--b0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nabc", &error));
    CurlResult r = curl(QStringLiteral("/notes"), {QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"),
                                                   QStringLiteral("--data"), QStringLiteral("{\"title\":\"t\"}")});
    QCOMPARE(r.httpStatus, 201);
    const QString attachment = QStringLiteral("/notes/%1/attachment").arg(QJsonDocument::fromJson(r.body).object()[QLatin1String("id")].toInteger());
    r = curl(attachment, {QStringLiteral("-H"), QStringLiteral("Content-Type: multipart/form-data; boundary=b0und"),
                          QStringLiteral("--data-binary"), QLatin1Char('@') + m_fixture->path(QStringLiteral("truncated.txt"))});
    QCOMPARE(r.httpStatus, 400);
    QCOMPARE(r.body, QByteArray("malformed multipart body: body ends before the closing boundary\n"));
}

void tst_E2eApi::uploadThenDownloadTwentyMegabytes()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    QByteArray payload(kUploadBytes, Qt::Uninitialized);
    QRandomGenerator rng(0x20afc9u);
    rng.fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / sizeof(quint32));
    QVERIFY2(m_fixture->writeFile(QStringLiteral("upload.bin"), payload, &error), qPrintable(error));
    const QByteArray expected = sha256(payload);

    CurlResult r = curl(QStringLiteral("/notes"), {QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"),
                                                   QStringLiteral("--data"), QStringLiteral("{\"title\":\"big\"}")});
    QCOMPARE(r.httpStatus, 201);
    const QString attachment = QStringLiteral("/notes/%1/attachment").arg(QJsonDocument::fromJson(r.body).object()[QLatin1String("id")].toInteger());

    // Peak memory from here on: Linux resets VmHWM when 5 is written to clear_refs.
    const qint64 pid = m_app->processId();
    const qint64 rssBefore = procStatusBytes(pid, "VmRSS");
    QFile clearRefs(QStringLiteral("/proc/%1/clear_refs").arg(pid));
    const bool peakReset = clearRefs.open(QIODevice::WriteOnly) && clearRefs.write("5") == 1;
    clearRefs.close();

    r = curl(attachment, {QStringLiteral("-F"), QStringLiteral("caption=twenty"), QStringLiteral("-F"),
                          QStringLiteral("file=@%1;filename=big data.bin").arg(m_fixture->path(QStringLiteral("upload.bin")))});
    QVERIFY2(r.exitCode == 0, r.errors.constData());
    QCOMPARE(r.httpStatus, 201);
    const QJsonObject stored = QJsonDocument::fromJson(r.body).object();
    QCOMPARE(stored[QLatin1String("size")].toInteger(), kUploadBytes);
    QCOMPARE(stored[QLatin1String("sha256")].toString().toLatin1(), expected);
    QCOMPARE(stored[QLatin1String("caption")].toString(), QStringLiteral("twenty"));
    const qint64 peak = procStatusBytes(pid, "VmHWM");
    qInfo("20 MB upload: the application's RSS %lld KiB before, peak %lld KiB during", rssBefore / 1024, peak / 1024);
    // Under AddressSanitizer freed blocks stay in its quarantine, so RSS says nothing of the bound.
    if (rssBefore > 0 && peak > 0 && peakReset && !AFCGI_UNDER_ASAN) {
        QVERIFY2(peak - rssBefore < kUploadMemoryBytes,
                 qPrintable(QStringLiteral("RSS %1 -> peak %2 bytes").arg(rssBefore).arg(peak)));
    }

    // Through X-Accel-Redirect: nginx reads the file, the application sends only headers.
    const qint64 bytesOutBefore = appStatus()[QLatin1String("bytes")].toObject()[QLatin1String("out")].toInteger();
    r = curl(attachment);
    QVERIFY2(r.exitCode == 0, r.errors.constData());
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.body.size(), kUploadBytes);
    QCOMPARE(sha256(r.body), expected);
    QCOMPARE(header("Content-Disposition"),
             QByteArray("attachment; filename=\"big data.bin\"; filename*=UTF-8''big%20data.bin"));
    const qint64 bytesOutAfter = appStatus()[QLatin1String("bytes")].toObject()[QLatin1String("out")].toInteger();
    QVERIFY2(bytesOutAfter - bytesOutBefore < 64 * 1024,
             qPrintable(QStringLiteral("the application sent %1 bytes").arg(bytesOutAfter - bytesOutBefore)));

    // Directly from the application, whole and a range.
    r = curl(attachment + QStringLiteral("?direct=1"));
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(sha256(r.body), expected);
    QCOMPARE(header("Accept-Ranges"), QByteArray("bytes"));
    r = curl(attachment + QStringLiteral("?direct=1"), {QStringLiteral("-r"), QStringLiteral("1000-1999")});
    QCOMPARE(r.httpStatus, 206);
    QCOMPARE(r.body, payload.mid(1000, 1000));
    QCOMPARE(header("Content-Range"), QByteArray("bytes 1000-1999/") + QByteArray::number(kUploadBytes));
}

void tst_E2eApi::cookieComesBack()
{
    QString error;
    QVERIFY2(startStack(&error), qPrintable(error));
    const QString jar = m_fixture->path(QStringLiteral("cookies.txt"));
    CurlResult r = curl(QStringLiteral("/notes/prefs?theme=dark"), {QStringLiteral("-c"), jar});
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(r.body, QByteArray("was unset\n"));
    QCOMPARE(header("Set-Cookie"), QByteArray("theme=dark; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax"));
    r = curl(QStringLiteral("/notes/prefs?theme=light"), {QStringLiteral("-b"), jar});
    QCOMPARE(r.body, QByteArray("was dark\n"));
}

QTEST_GUILESS_MAIN(tst_E2eApi)
#include "tst_e2e_api.moc"
