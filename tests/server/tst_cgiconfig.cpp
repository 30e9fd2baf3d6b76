// The CGI bridge's settings as afcgid reads them: --cgi-* flags, cgi-* keys and [cgi /prefix]
// sections of the config file, and a message that names what is wrong (afcgid exits with 2).
#include "config/serverconfig.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace afcgi;

class tst_CgiConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void defaultsAreOff();
    void flags();
    void configFileSections();
    void flagsReplaceTheFilesRoots();
    void errors_data();
    void errors();
    void fileErrors_data();
    void fileErrors();

private:
    std::optional<ServerConfig> parse(const QStringList &arguments, QString *error = nullptr);
    QString writeConfig(const QByteArray &text);
    QTemporaryDir m_dir;
    QString m_program; // an executable file
};

void tst_CgiConfig::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_program = m_dir.filePath(QStringLiteral("prog.cgi"));
    QFile file(m_program);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QFile plain(m_dir.filePath(QStringLiteral("plain.txt")));
    QVERIFY(plain.open(QIODevice::WriteOnly));
}

void tst_CgiConfig::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

std::optional<ServerConfig> tst_CgiConfig::parse(const QStringList &arguments, QString *error)
{
    ServerConfigParser parser;
    QString ignored;
    return parser.parse(QStringList{QStringLiteral("afcgid")} + arguments, error ? error : &ignored);
}

QString tst_CgiConfig::writeConfig(const QByteArray &text)
{
    static int n = 0;
    const QString path = m_dir.filePath(QStringLiteral("afcgid-%1.ini").arg(++n));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return path;
}

void tst_CgiConfig::defaultsAreOff()
{
    const auto config = parse({});
    QVERIFY(config);
    QVERIFY(!config->cgi.isEnabled());
    QCOMPARE(config->cgi.maxChildren, 32);
    QCOMPARE(config->cgi.queue, 256);
    QCOMPARE(config->cgi.timeoutMs, 0);
    QCOMPARE(config->cgi.stderrMode, CgiStderr::Log);
}

void tst_CgiConfig::flags()
{
    QString error;
    const auto config = parse({QStringLiteral("--cgi-root"), m_dir.path(), QStringLiteral("--cgi-root"), QDir::tempPath(),
                               QStringLiteral("--cgi-max-children"), QStringLiteral("64"),
                               QStringLiteral("--cgi-queue"), QStringLiteral("0"),
                               QStringLiteral("--cgi-timeout"), QStringLiteral("30000"),
                               QStringLiteral("--cgi-env"), QStringLiteral("LANG=C.UTF-8"),
                               QStringLiteral("--cgi-env"), QStringLiteral("EMPTY="),
                               QStringLiteral("--cgi-stderr"), QStringLiteral("both")},
                              &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(config->cgi.isEnabled());
    QCOMPARE(config->cgi.roots, (QStringList{m_dir.path(), QDir::tempPath()}));
    QCOMPARE(config->cgi.maxChildren, 64);
    QCOMPARE(config->cgi.queue, 0);
    QCOMPARE(config->cgi.timeoutMs, 30000);
    QCOMPARE(config->cgi.environment, (NameValueList{{"LANG", "C.UTF-8"}, {"EMPTY", ""}}));
    QCOMPARE(config->cgi.stderrMode, CgiStderr::Both);
}

void tst_CgiConfig::configFileSections()
{
    const QString file = writeConfig(
        "threads = 2\n"
        "cgi-max-children = 16\n"
        "cgi-root = " + m_dir.path().toUtf8() + "\n"
        "\n"
        "[cgi /git]\n"
        "program = " + m_program.toUtf8() + "\n"
        "max-children = 4\n"
        "timeout = 600000\n"
        "GIT_PROJECT_ROOT = /srv/git\n"
        "GIT_HTTP_EXPORT_ALL =\n"
        "; a comment\n"
        "# another\n"
        "SEMI = a;b,c\n"
        "\n"
        "[cgi /]\n"
        "program = \"" + m_program.toUtf8() + "\"\n"
        "[cgi /cgit/]\n"
        "program = " + m_program.toUtf8() + "\n"
        "CGIT_CONFIG = /etc/cgitrc\n");
    QString error;
    const auto config = parse({QStringLiteral("--config"), file}, &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->threads, 2);
    QCOMPARE(config->cgi.maxChildren, 16);
    QCOMPARE(config->cgi.roots, QStringList{m_dir.path()});
    QCOMPARE(config->cgi.mounts.size(), 3);
    const CgiMount &git = config->cgi.mounts[0];
    QCOMPARE(git.prefix, QStringLiteral("/git"));
    QCOMPARE(git.program, m_program);
    QCOMPARE(git.maxChildren, 4);
    QCOMPARE(git.timeoutMs, 600000);
    QCOMPARE(git.environment, (NameValueList{{"GIT_PROJECT_ROOT", "/srv/git"}, {"GIT_HTTP_EXPORT_ALL", ""},
                                             {"SEMI", "a;b,c"}}));
    QCOMPARE(config->cgi.mounts[1].prefix, QStringLiteral("/"));
    QCOMPARE(config->cgi.mounts[1].program, m_program); // quotes removed
    QCOMPARE(config->cgi.mounts[1].timeoutMs, -1);      // --cgi-timeout's
    QCOMPARE(config->cgi.mounts[2].prefix, QStringLiteral("/cgit")); // trailing slash dropped
}

void tst_CgiConfig::flagsReplaceTheFilesRoots()
{
    const QString file = writeConfig("cgi-root = " + m_dir.path().toUtf8() + "\n");
    const auto config = parse({QStringLiteral("--config"), file, QStringLiteral("--cgi-root"), QDir::tempPath()});
    QVERIFY(config);
    QCOMPARE(config->cgi.roots, QStringList{QDir::tempPath()});
}

void tst_CgiConfig::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("root-missing") << QStringList{QStringLiteral("--cgi-root"), QStringLiteral("/nonexistent/cgi-bin")}
                                  << QStringLiteral("--cgi-root /nonexistent/cgi-bin: not a directory");
    QTest::newRow("root-is-a-file") << QStringList{QStringLiteral("--cgi-root"), QStringLiteral("@plain")}
                                    << QStringLiteral("plain.txt: not a directory");
    QTest::newRow("max-children-zero") << QStringList{QStringLiteral("--cgi-max-children"), QStringLiteral("0")}
                                       << QStringLiteral("--cgi-max-children: expected a whole number from 1");
    QTest::newRow("timeout-negative") << QStringList{QStringLiteral("--cgi-timeout"), QStringLiteral("-1")}
                                      << QStringLiteral("--cgi-timeout: expected a whole number from 0");
    QTest::newRow("env-without-equals") << QStringList{QStringLiteral("--cgi-env"), QStringLiteral("JUSTNAME")}
                                        << QStringLiteral("--cgi-env: expected NAME=VALUE");
    QTest::newRow("env-bad-name") << QStringList{QStringLiteral("--cgi-env"), QStringLiteral("A-B=1")}
                                  << QStringLiteral("--cgi-env: expected NAME=VALUE");
    QTest::newRow("stderr-unknown") << QStringList{QStringLiteral("--cgi-stderr"), QStringLiteral("syslog")}
                                    << QStringLiteral("--cgi-stderr: expected log, fastcgi or both");
}

void tst_CgiConfig::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    arguments.replaceInStrings(QStringLiteral("@plain"), m_dir.filePath(QStringLiteral("plain.txt")));
    QString error;
    QVERIFY(!parse(arguments, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

void tst_CgiConfig::fileErrors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("no-program") << QByteArray("[cgi /git]\nGIT_PROJECT_ROOT = /srv/git\n")
                                << QStringLiteral("[cgi /git]: no program");
    QTest::newRow("program-missing") << QByteArray("[cgi /git]\nprogram = /nonexistent/git-http-backend\n")
                                     << QStringLiteral("[cgi /git]: program /nonexistent/git-http-backend: no such file");
    QTest::newRow("program-relative") << QByteArray("[cgi /git]\nprogram = bin/backend\n")
                                      << QStringLiteral("[cgi /git]: program bin/backend: not an absolute path");
    QTest::newRow("program-not-executable") << QByteArray("[cgi /x]\nprogram = @plain\n")
                                            << QStringLiteral("plain.txt: not executable");
    QTest::newRow("program-a-directory") << QByteArray("[cgi /x]\nprogram = /tmp\n")
                                         << QStringLiteral("[cgi /x]: program /tmp: not a regular file");
    QTest::newRow("prefix-without-slash") << QByteArray("[cgi git]\nprogram = @prog\n")
                                          << QStringLiteral("[cgi git]: expected [cgi /prefix]");
    QTest::newRow("prefix-twice") << QByteArray("[cgi /a]\nprogram = @prog\n[cgi /a/]\nprogram = @prog\n")
                                  << QStringLiteral("[cgi /a/]: the prefix /a is mounted twice");
    QTest::newRow("unknown-key") << QByteArray("[cgi /a]\nprogram = @prog\nmax_children = 3\n")
                                 << QStringLiteral("[cgi /a]: unknown setting 'max_children'");
    QTest::newRow("bad-max-children") << QByteArray("[cgi /a]\nprogram = @prog\nmax-children = lots\n")
                                      << QStringLiteral("[cgi /a] max-children: expected a whole number");
    QTest::newRow("line-without-equals") << QByteArray("[cgi /a]\nprogram = @prog\nnonsense\n")
                                         << QStringLiteral("[cgi /a] line 3: expected key = value");
    QTest::newRow("top-level-bad-root") << QByteArray("cgi-root = /nonexistent/dir\n")
                                        << QStringLiteral("--cgi-root /nonexistent/dir: not a directory");
}

void tst_CgiConfig::fileErrors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    text.replace("@plain", m_dir.filePath(QStringLiteral("plain.txt")).toUtf8());
    text.replace("@prog", m_program.toUtf8());
    const QString file = writeConfig(text);
    QString error;
    QVERIFY(!parse({QStringLiteral("--config"), file}, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
}

QTEST_APPLESS_MAIN(tst_CgiConfig)
#include "tst_cgiconfig.moc"
