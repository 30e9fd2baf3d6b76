// The example application of resources/examples/notes, as a user outside this tree builds it:
// afcgi installed into a prefix (cmake --install), the example's sources copied elsewhere,
// configured and built with find_package(afcgi) against that prefix alone (its build files name
// no path of afcgi's source or build tree), then run both ways behind the real nginx: as its own
// program (notes-server), and as a plugin in the installed afcgid (--app /notes=libnotes.so).

#include "e2etest.h"
#include "frontends.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
    void checkNotesService(const QString &base);
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
    m_prefix = m_work + QStringLiteral("/prefix");
    m_build = m_work + QStringLiteral("/build");
    const QString sources = m_work + QStringLiteral("/notes");
    QString error;
    QVERIFY2(run(QStringLiteral(CMAKE_COMMAND_PATH),
                 {QStringLiteral("--install"), QStringLiteral(AFCGI_BUILD_DIR), QStringLiteral("--prefix"), m_prefix},
                 &error),
             qPrintable(error));
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
                               QStringLiteral("none"), QStringLiteral("--notes-file"),
                               m_fixture->path(QStringLiteral("notes.json"))},
                              QStringLiteral("notes-server"), address, &error),
             qPrintable(error));
    const quint16 http = ProcessFixture::freeTcpPort();
    QVERIFY2(e2e::startFrontEnd(*m_fixture, e2e::FrontEnd::Nginx, {address}, http, &error), qPrintable(error));
    checkNotesService(QStringLiteral("http://127.0.0.1:%1").arg(http));
    QVERIFY(QFile::exists(m_fixture->path(QStringLiteral("notes.json"))));
}

void tst_E2eExample::pluginInAfcgid()
{
    const QString plugin = m_build + QStringLiteral("/libnotes.so");
    QVERIFY2(QFile::exists(plugin), qPrintable(plugin));
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"),
                                  "[app:/notes]\nfile = " + m_fixture->path(QStringLiteral("notes.json")).toUtf8() + '\n',
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
    const quint16 http = ProcessFixture::freeTcpPort();
    QVERIFY2(e2e::startFrontEnd(*m_fixture, e2e::FrontEnd::Nginx, {address}, http, &error), qPrintable(error));
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(http);
    checkNotesService(base);
    QCOMPARE(m_fixture->curl(base + QStringLiteral("/hello")).httpStatus, 200); // afcgid's own stay
    QVERIFY(QFile::exists(m_fixture->path(QStringLiteral("notes.json"))));
}

// The same answers from both: create, list, read, delete, and the errors.
void tst_E2eExample::checkNotesService(const QString &base)
{
    const QString notes = base + QStringLiteral("/notes");
    const QStringList json{QStringLiteral("-H"), QStringLiteral("Content-Type: application/json")};
    e2e::CurlResult r = m_fixture->curl(notes);
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).array().size(), 0);

    for (const char *text : {"buy milk", "call \"Bob\""}) {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("text"), QString::fromUtf8(text)}})
                                    .toJson(QJsonDocument::Compact);
        r = m_fixture->curl(notes, json + QStringList{QStringLiteral("--data-binary"), QString::fromUtf8(body)});
        QCOMPARE(r.httpStatus, 201);
        QCOMPARE(r.contentType, QByteArrayLiteral("application/json"));
        QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("text")).toString(),
                 QString::fromUtf8(text));
    }
    r = m_fixture->curl(notes);
    const QJsonArray all = QJsonDocument::fromJson(r.body).array();
    QCOMPARE(all.size(), 2);
    const qint64 second = all.at(1).toObject().value(QStringLiteral("id")).toInteger();

    r = m_fixture->curl(notes + QStringLiteral("/%1").arg(second));
    QCOMPARE(r.httpStatus, 200);
    QCOMPARE(QJsonDocument::fromJson(r.body).object().value(QStringLiteral("text")).toString(),
             QStringLiteral("call \"Bob\""));
    r = m_fixture->curl(notes + QStringLiteral("/%1").arg(second), {QStringLiteral("-X"), QStringLiteral("DELETE")});
    QCOMPARE(r.httpStatus, 204);
    QCOMPARE(m_fixture->curl(notes + QStringLiteral("/%1").arg(second)).httpStatus, 404);
    QCOMPARE(QJsonDocument::fromJson(m_fixture->curl(notes).body).array().size(), 1);

    r = m_fixture->curl(notes, json + QStringList{QStringLiteral("--data-binary"), QStringLiteral("{\"title\":1}")});
    QCOMPARE(r.httpStatus, 400);
    QCOMPARE(m_fixture->curl(notes, {QStringLiteral("-X"), QStringLiteral("PUT")}).httpStatus, 405);
    QCOMPARE(m_fixture->curl(notes + QStringLiteral("/x")).httpStatus, 404);
}

QTEST_GUILESS_MAIN(tst_E2eExample)
#include "tst_e2e_example.moc"
