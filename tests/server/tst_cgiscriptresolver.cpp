// fcgiwrap's way of naming a CGI program (--cgi-root): what is run, and why anything else is
// refused, symbolic links and ".." included.
#include "handlers/cgi/cgiscriptresolver.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace afcgi;

class tst_CgiScriptResolver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void resolve_data();
    void resolve();
    void documentRootAndScriptName();
    void rootGivenThroughASymlink();

private:
    QByteArray path(const char *relative) const { return QFile::encodeName(m_dir.path()) + '/' + relative; }
    QTemporaryDir m_dir;
};

void tst_CgiScriptResolver::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QDir dir(m_dir.path());
    QVERIFY(dir.mkpath(QStringLiteral("cgi-bin/sub")));
    QVERIFY(dir.mkpath(QStringLiteral("outside")));
    for (const char *name : {"cgi-bin/run.cgi", "cgi-bin/sub/deep.cgi", "outside/secret.cgi", "cgi-bin/plain.txt"}) {
        QFile file(QString::fromUtf8(path(name)));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("#!/bin/sh\n");
        file.close();
        const bool executable = !QByteArray(name).endsWith(".txt");
        file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | (executable ? QFile::ExeOwner : QFile::Permissions()));
    }
    QVERIFY(QFile::link(QString::fromUtf8(path("outside/secret.cgi")), QString::fromUtf8(path("cgi-bin/escape.cgi"))));
    QVERIFY(QFile::link(QString::fromUtf8(path("cgi-bin/run.cgi")), QString::fromUtf8(path("cgi-bin/alias.cgi"))));
    QVERIFY(QFile::link(QString::fromUtf8(path("outside")), QString::fromUtf8(path("cgi-bin/outlink"))));
}

void tst_CgiScriptResolver::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_CgiScriptResolver::resolve_data()
{
    QTest::addColumn<QByteArray>("script"); // relative to the temporary directory; "" = none
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("reason");   // a regular expression
    QTest::addColumn<QByteArray>("program"); // relative, when found
    QTest::newRow("script") << QByteArray("cgi-bin/run.cgi") << 0 << QString() << QByteArray("cgi-bin/run.cgi");
    QTest::newRow("nested") << QByteArray("cgi-bin/sub/deep.cgi") << 0 << QString() << QByteArray("cgi-bin/sub/deep.cgi");
    QTest::newRow("symlink-inside") << QByteArray("cgi-bin/alias.cgi") << 0 << QString() << QByteArray("cgi-bin/run.cgi");
    QTest::newRow("dot-segments-inside") << QByteArray("cgi-bin/sub/../run.cgi") << 0 << QString() << QByteArray("cgi-bin/run.cgi");
    QTest::newRow("missing") << QByteArray("cgi-bin/none.cgi") << 404 << QStringLiteral("none.cgi does not exist") << QByteArray();
    QTest::newRow("none") << QByteArray() << 404 << QStringLiteral("no SCRIPT_FILENAME") << QByteArray();
    QTest::newRow("outside") << QByteArray("outside/secret.cgi") << 403 << QStringLiteral("is not under a --cgi-root") << QByteArray();
    QTest::newRow("outside-missing") << QByteArray("outside/none.cgi") << 403 << QStringLiteral("is not under a --cgi-root") << QByteArray();
    QTest::newRow("dot-dot-out") << QByteArray("cgi-bin/../outside/secret.cgi") << 403 << QStringLiteral("is not under a --cgi-root") << QByteArray();
    QTest::newRow("symlink-out") << QByteArray("cgi-bin/escape.cgi") << 403 << QStringLiteral("resolves to .*outside every --cgi-root") << QByteArray();
    QTest::newRow("directory-symlink-out") << QByteArray("cgi-bin/outlink/secret.cgi") << 403 << QStringLiteral("outside every --cgi-root") << QByteArray();
    QTest::newRow("not-executable") << QByteArray("cgi-bin/plain.txt") << 403 << QStringLiteral("plain.txt is not executable") << QByteArray();
    QTest::newRow("directory") << QByteArray("cgi-bin/sub") << 403 << QStringLiteral("sub is not a regular file") << QByteArray();
    QTest::newRow("the-root-itself") << QByteArray("cgi-bin") << 403 << QStringLiteral("not under a --cgi-root") << QByteArray();
    QTest::newRow("relative") << QByteArray("@cgi-bin/run.cgi") << 403 << QStringLiteral("not an absolute path") << QByteArray();
}

void tst_CgiScriptResolver::resolve()
{
    QFETCH(QByteArray, script);
    QFETCH(int, status);
    QFETCH(QString, reason);
    QFETCH(QByteArray, program);
    const CgiScriptResolver resolver({QString::fromUtf8(path("cgi-bin"))});
    QByteArray requested;
    if (script.startsWith('@'))
        requested = script.mid(1);
    else if (!script.isEmpty())
        requested = path(script.constData());
    const CgiScript found = resolver.resolve(requested, {}, {});
    QCOMPARE(found.status, status);
    QVERIFY2(QRegularExpression(reason).match(found.reason).hasMatch(), qPrintable(found.reason));
    if (status != 0)
        return;
    const QByteArray canonicalDir = QFile::encodeName(QFileInfo(m_dir.path()).canonicalFilePath());
    QCOMPARE(found.program, canonicalDir + '/' + program);
    QCOMPARE(found.requested, requested); // what the program sees as SCRIPT_FILENAME and argv[0]
    QCOMPARE(found.directory, QFile::encodeName(QFileInfo(QString::fromUtf8(found.program)).absolutePath()));
}

void tst_CgiScriptResolver::documentRootAndScriptName()
{
    const CgiScriptResolver resolver({QString::fromUtf8(path("cgi-bin"))});
    const CgiScript found = resolver.resolve({}, path("cgi-bin"), "/sub/deep.cgi");
    QCOMPARE(found.status, 0);
    QCOMPARE(found.requested, path("cgi-bin/sub/deep.cgi"));
    // SCRIPT_FILENAME, when sent, is what counts.
    QCOMPARE(resolver.resolve(path("cgi-bin/run.cgi"), path("outside"), "/secret.cgi").requested, path("cgi-bin/run.cgi"));
}

void tst_CgiScriptResolver::rootGivenThroughASymlink()
{
    const QString link = m_dir.filePath(QStringLiteral("bin-link"));
    QVERIFY(QFile::link(QString::fromUtf8(path("cgi-bin")), link));
    const CgiScriptResolver resolver({link});
    QCOMPARE(resolver.resolve(QFile::encodeName(link) + "/run.cgi", {}, {}).status, 0);
    QCOMPARE(resolver.resolve(path("cgi-bin/run.cgi"), {}, {}).status, 0);
    QCOMPARE(resolver.resolve(path("outside/secret.cgi"), {}, {}).status, 403);
}

QTEST_APPLESS_MAIN(tst_CgiScriptResolver)
#include "tst_cgiscriptresolver.moc"
