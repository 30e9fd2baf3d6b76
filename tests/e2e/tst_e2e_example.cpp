// The example application of resources/examples/notes, as a user outside this tree builds it:
// afcgi installed into a prefix (cmake --install), the example's sources copied elsewhere,
// configured and built with find_package(afcgi) against that prefix alone (its build files name
// no path of afcgi's source or build tree), then run both ways behind the real nginx: as its own
// program (notes-server), and as a plugin in the installed afcgid (--app /notes=libnotes.so):
// JSON CRUD, an upload back through X-Accel-Redirect, a cookie, a middleware's header.

#include "e2etest.h"
#include "frontends.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QtTest>

using e2e::ProcessFixture;

namespace {

// Runs a program to its end; false with its output in `error` when it fails.
bool run(const QString &program, const QStringList &arguments, QString *error, int timeoutMs = 240000)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(program, arguments);
    const bool finished = process.waitForFinished(timeoutMs);
    const QByteArray output = process.readAll();
    if (finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
        return true;
    if (!finished)
        process.kill();
    *error = QStringLiteral("%1 %2 failed:\n%3")
                 .arg(program, arguments.join(QLatin1Char(' ')), QString::fromLocal8Bit(output.right(6000)));
    return false;
}

bool copyTree(const QString &from, const QString &to)
{
    QDir().mkpath(to);
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
        QDir().mkpath(QFileInfo(target).path());
        if (!QFile::copy(file, target))
            return false;
    }
    return true;
}

// Files under `dir` that mention `needle`.
QStringList filesMentioning(const QString &dir, const QByteArray &needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found << file.fileName();
    }
    return found;
}

} // namespace

class tst_E2eExample : public e2e::E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void ownProgram();
    void pluginInAfcgid();

private:
    QString notesDirectory() const;
    bool startNginx(const QString &address, QString *error);
    void checkNotesService();
    QString m_base;   // nginx's URL in front of the service under test
    QString m_work;   // outside both trees: the install prefix, the copied sources, their build
    QString m_prefix;
    QString m_build;
};

void tst_E2eExample::initTestCase()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(curl, "curl");
    m_work = QDir::tempPath() + QStringLiteral("/" EXAMPLE_WORK_NAME);
    QDir(m_work).removeRecursively();
    // Installed under a DESTDIR as well as a prefix: a build configured for /usr installs its
    // configuration and systemd units to absolute paths (/etc/afcgi, /usr/lib/systemd/system),
    // which --prefix alone would write onto this machine.
    const QString root = m_work + QStringLiteral("/root");
    const QString prefix = QStringLiteral("/afcgi");
    m_prefix = root + prefix;
    m_build = m_work + QStringLiteral("/build");
    const QString sources = m_work + QStringLiteral("/notes");
    QString error;
    QVERIFY2(run(QStringLiteral(CMAKE_COMMAND_PATH),
                 {QStringLiteral("-E"), QStringLiteral("env"), QStringLiteral("DESTDIR=") + root,
                  QStringLiteral(CMAKE_COMMAND_PATH), QStringLiteral("--install"), QStringLiteral(AFCGI_BUILD_DIR),
                  QStringLiteral("--prefix"), prefix},
                 &error),
             qPrintable(error));
    QVERIFY2(!QFile::exists(QStringLiteral("/afcgi")), "DESTDIR was not honoured");
    QVERIFY(copyTree(QStringLiteral(EXAMPLE_SOURCE_DIR), sources));
    QStringList configure{QStringLiteral("-S"), sources, QStringLiteral("-B"), m_build,
                          QStringLiteral("-G"), QStringLiteral(CMAKE_GENERATOR_NAME),
                          QStringLiteral("-DCMAKE_BUILD_TYPE=RelWithDebInfo"),
                          QStringLiteral("-DCMAKE_CXX_COMPILER=" CXX_COMPILER),
                          // The same flags as afcgi's build (a sanitizer build's libafcgi needs them).
                          QStringLiteral("-DCMAKE_CXX_FLAGS=" CXX_FLAGS),
                          QStringLiteral("-DCMAKE_PREFIX_PATH=") + m_prefix,
                          QStringLiteral("-DQt6_DIR=" QT6_DIR)};
    if (!QStringLiteral(CXX_LAUNCHER).isEmpty())
        configure << QStringLiteral("-DCMAKE_CXX_COMPILER_LAUNCHER=" CXX_LAUNCHER);
    QVERIFY2(run(QStringLiteral(CMAKE_COMMAND_PATH), configure, &error), qPrintable(error));
    QVERIFY2(run(QStringLiteral(CMAKE_COMMAND_PATH),
                 {QStringLiteral("--build"), m_build, QStringLiteral("--parallel"), QStringLiteral("2")}, &error),
             qPrintable(error));
    // Built from the install alone: no file of the build names afcgi's source or build tree.
    const QStringList intoSource = filesMentioning(m_build, QByteArrayLiteral(AFCGI_SOURCE_DIR "/"));
    QVERIFY2(intoSource.isEmpty(), qPrintable(intoSource.join(QLatin1Char('\n'))));
    const QStringList intoBuild = filesMentioning(m_build, QByteArrayLiteral(AFCGI_BUILD_DIR "/"));
    QVERIFY2(intoBuild.isEmpty(), qPrintable(intoBuild.join(QLatin1Char('\n'))));
}

void tst_E2eExample::ownProgram()
{
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QVERIFY2(m_fixture->start(m_build + QStringLiteral("/notes-server"),
                              {QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                               QStringLiteral("none"), QStringLiteral("--notes-dir"), notesDirectory()},
                              QStringLiteral("notes-server"), address, &error),
             qPrintable(error));
    QVERIFY2(startNginx(address, &error), qPrintable(error));
    checkNotesService();
}

void tst_E2eExample::pluginInAfcgid()
{
    const QString plugin = m_build + QStringLiteral("/libnotes.so");
    QVERIFY2(QFile::exists(plugin), qPrintable(plugin));
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"),
                                  "[app:/notes]\ndirectory = " + notesDirectory().toUtf8() + "\naccel-prefix = /protected/\n",
                                  &error),
             qPrintable(error));
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    // The installed afcgid, not the one of the build.
    QVERIFY2(m_fixture->start(m_prefix + QStringLiteral("/bin/afcgid"),
                              {QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                               QStringLiteral("none"), QStringLiteral("--config"),
                               m_fixture->path(QStringLiteral("afcgid.ini")), QStringLiteral("--app"),
                               QStringLiteral("/notes=") + plugin},
                              QStringLiteral("afcgid"), address, &error),
             qPrintable(error));
    QVERIFY2(startNginx(address, &error), qPrintable(error));
    checkNotesService();
    QCOMPARE(m_fixture->curl(m_base + QStringLiteral("/hello")).httpStatus, 200); // afcgid's own stay
}

QString tst_E2eExample::notesDirectory() const
{
    return m_fixture->path(QStringLiteral("notes"));
}

// nginx's sample in front of `address`, with the internal location X-Accel-Redirect names.
bool tst_E2eExample::startNginx(const QString &address, QString *error)
{
    const quint16 http = ProcessFixture::freeTcpPort();
    const QList<ProcessFixture::Substitution> accel{
        {QStringLiteral("location /stream {"),
         QStringLiteral("location /protected/ { internal; alias %1/; }\n    location /stream {").arg(notesDirectory())}};
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(http);
    return e2e::startFrontEnd(*m_fixture, e2e::FrontEnd::Nginx, {address}, http, error, accel);
}

// The same answers from both: create, list, read, change, delete and the errors; an attachment
// up as multipart and back through X-Accel-Redirect; a cookie; the middleware's header.
void tst_E2eExample::checkNotesService()
{
    const QString notes = m_base + QStringLiteral("/notes");
    const QStringList json{QStringLiteral("-H"), QStringLiteral("Content-Type: application/json")};
    e2e::CurlResult r = m_fixture->curl(notes);
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).array().size(), 0);

    for (const char *title : {"milk", "call \"Bob\""}) {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("title"), QString::fromUtf8(title)}})
                                    .toJson(QJsonDocument::Compact);
        r = m_fixture->curl(notes, json + QStringList{QStringLiteral("--data-binary"), QString::fromUtf8(body)});
        QCOMPARE(r.httpStatus, 201);
        QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("title")).toString(),
                 QString::fromUtf8(title));
    }
    r = m_fixture->curl(notes);
    const QJsonArray all = QJsonDocument::fromJson(r.body).array();
    QCOMPARE(all.size(), 2);
    const QString first = notes + QStringLiteral("/%1").arg(all.at(0).toObject().value(QStringLiteral("id")).toInteger());
    const QString second = notes + QStringLiteral("/%1").arg(all.at(1).toObject().value(QStringLiteral("id")).toInteger());

    r = m_fixture->curl(second, json + QStringList{QStringLiteral("-X"), QStringLiteral("PUT"), QStringLiteral("--data-binary"),
                                                   QStringLiteral("{\"text\":\"at five\"}")});
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("text")).toString(), QStringLiteral("at five"));
    r = m_fixture->curl(second, {QStringLiteral("-X"), QStringLiteral("DELETE")});
    QCOMPARE(r.httpStatus, 204);
    QCOMPARE(m_fixture->curl(second).httpStatus, 404);
    QCOMPARE(QJsonDocument::fromJson(m_fixture->curl(notes).body).array().size(), 1);
    QVERIFY(QFile::exists(notesDirectory() + QStringLiteral("/notes.json")));

    r = m_fixture->curl(notes, json + QStringList{QStringLiteral("--data-binary"), QStringLiteral("{\"title\":1}")});
    QCOMPARE(r.httpStatus, 400);
    QCOMPARE(m_fixture->curl(first, {QStringLiteral("-X"), QStringLiteral("PATCH")}).httpStatus, 405);
    QCOMPARE(m_fixture->curl(notes + QStringLiteral("/x")).httpStatus, 404);

    // An attachment: up as multipart/form-data, back through nginx with the same bytes.
    QByteArray payload(1024 * 1024, Qt::Uninitialized);
    QRandomGenerator(12).fillRange(reinterpret_cast<quint32 *>(payload.data()), payload.size() / 4);
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("upload.bin"), payload, &error), qPrintable(error));
    const QString attachment = first + QStringLiteral("/attachment");
    r = m_fixture->curl(attachment, {QStringLiteral("-F"), QStringLiteral("caption=one"), QStringLiteral("-F"),
                                     QStringLiteral("file=@") + m_fixture->path(QStringLiteral("upload.bin"))});
    QCOMPARE(r.httpStatus, 201);
    const QByteArray sha = QCryptographicHash::hash(payload, QCryptographicHash::Sha256).toHex();
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("sha256")).toString().toLatin1(), sha);
    r = m_fixture->curl(attachment);
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QCryptographicHash::hash(r.body, QCryptographicHash::Sha256).toHex(), sha);

    // A cookie, and the middleware's header on every answer.
    const QString headers = m_fixture->path(QStringLiteral("headers.out"));
    r = m_fixture->curl(notes + QStringLiteral("/prefs?theme=dark"), {QStringLiteral("-D"), headers});
    QCOMPARE(r.body, QByteArray("was unset\n"));
    QFile file(headers);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray head = file.readAll().toLower();
    QVERIFY2(head.contains("set-cookie: theme=dark; path=/"), head.constData());
    QVERIFY2(head.contains("x-request-id: "), head.constData());
}

QTEST_GUILESS_MAIN(tst_E2eExample)
#include "tst_e2e_example.moc"
