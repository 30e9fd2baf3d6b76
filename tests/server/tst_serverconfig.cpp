#include "config/configreport.h"
#include "config/serverconfig.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <limits>
#include <tuple>

using namespace afcgi;

namespace {

constexpr qint64 kIntMax = std::numeric_limits<int>::max();

// The program name comes first, as in QCoreApplication::arguments().
QStringList args(const QStringList &rest)
{
    return QStringList{QStringLiteral("afcgid")} + rest;
}

// The field a numeric option sets.
qint64 numericField(const ServerConfig &config, const QString &option)
{
    if (option == QLatin1String("threads")) return config.threads;
    if (option == QLatin1String("max-conns")) return config.maxConns;
    if (option == QLatin1String("max-requests-per-conn")) return config.maxRequestsPerConn;
    if (option == QLatin1String("max-params-bytes")) return config.maxParamsBytes;
    if (option == QLatin1String("max-body-bytes")) return config.maxBodyBytes;
    if (option == QLatin1String("idle-timeout")) return config.idleTimeoutMs;
    if (option == QLatin1String("shutdown-grace")) return config.shutdownGraceMs;
    qFatal("no such numeric option");
}

QStringList listenStrings(const ServerConfig &config)
{
    QStringList out;
    for (const ListenAddress &address : config.listen)
        out << address.toString();
    return out;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

class tst_ServerConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void defaults();
    void numericFlag_data();
    void numericFlag();
    void badNumericFlag_data();
    void badNumericFlag();
    void commandLineErrors_data();
    void commandLineErrors();
    void listen_data();
    void listen();
    void logLevel_data();
    void logLevel();
    void configFile_data();
    void configFile();
    void unixSocketFile_data();
    void unixSocketFile();
    void flagsOverrideFile();
    void configFileErrors_data();
    void configFileErrors();
    void helpAndVersion_data();
    void helpAndVersion();
    void apps();
    void effectiveConfigNamesBridgeAndApps();
};

void tst_ServerConfig::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_ServerConfig::defaults()
{
    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args({}), &error);
    QVERIFY2(config, qPrintable(error));
    QVERIFY(error.isEmpty());
    QVERIFY(config->listen.isEmpty()); // main() picks 127.0.0.1:9000 or fd 0
    QCOMPARE(config->threads, 0);
    QVERIFY(config->effectiveThreads() >= 1);
    QCOMPARE(config->logLevel, QStringLiteral("info"));
    QCOMPARE(config->maxConns, 10000);
    QCOMPARE(config->maxRequestsPerConn, 1000);
    QCOMPARE(config->maxParamsBytes, 64 * 1024);
    QCOMPARE(config->maxBodyBytes, qint64(1) << 30);
    QCOMPARE(config->idleTimeoutMs, 60000);
    QCOMPARE(config->shutdownGraceMs, 30000);
    QCOMPARE(config->outputHighWaterBytes, 256 * 1024);
    QCOMPARE(config->connectionOutputCapBytes, 4 * 1024 * 1024);
    QCOMPARE(config->bodyMemoryBytes, 1024 * 1024);
    QVERIFY(!parser.helpRequested());
    QVERIFY(!parser.versionRequested());
    QVERIFY(parser.helpText().contains(QLatin1String("--max-requests-per-conn")));
}

void tst_ServerConfig::numericFlag_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("value");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("threads-0-means-auto") << "threads" << "0" << qint64(0);
    QTest::newRow("threads-8") << "threads" << "8" << qint64(8);
    QTest::newRow("threads-max-1024") << "threads" << "1024" << qint64(1024);
    QTest::newRow("max-conns-min-1") << "max-conns" << "1" << qint64(1);
    QTest::newRow("max-conns-500") << "max-conns" << "500" << qint64(500);
    QTest::newRow("max-conns-max-1000000") << "max-conns" << "1000000" << qint64(1000000);
    QTest::newRow("max-requests-per-conn-min-1") << "max-requests-per-conn" << "1" << qint64(1);
    QTest::newRow("max-requests-per-conn-max-65535")
        << "max-requests-per-conn" << "65535" << qint64(65535);
    QTest::newRow("max-params-bytes-min-256") << "max-params-bytes" << "256" << qint64(256);
    QTest::newRow("max-params-bytes-1m") << "max-params-bytes" << "1048576" << qint64(1048576);
    QTest::newRow("max-params-bytes-max-1g")
        << "max-params-bytes" << "1073741824" << (qint64(1) << 30);
    QTest::newRow("max-body-bytes-0") << "max-body-bytes" << "0" << qint64(0);
    QTest::newRow("max-body-bytes-above-4g")
        << "max-body-bytes" << "5000000000" << qint64(5000000000);
    QTest::newRow("max-body-bytes-max-2^50")
        << "max-body-bytes" << "1125899906842624" << (qint64(1) << 50);
    QTest::newRow("idle-timeout-0-means-never") << "idle-timeout" << "0" << qint64(0);
    QTest::newRow("idle-timeout-1500") << "idle-timeout" << "1500" << qint64(1500);
    QTest::newRow("idle-timeout-int-max") << "idle-timeout" << "2147483647" << kIntMax;
    QTest::newRow("shutdown-grace-0") << "shutdown-grace" << "0" << qint64(0);
    QTest::newRow("shutdown-grace-5000") << "shutdown-grace" << "5000" << qint64(5000);
    QTest::newRow("shutdown-grace-int-max") << "shutdown-grace" << "2147483647" << kIntMax;
}

void tst_ServerConfig::numericFlag()
{
    QFETCH(QString, option);
    QFETCH(QString, value);
    QFETCH(qint64, expected);

    // Both spellings: "--opt VALUE" and "--opt=VALUE".
    const QList<QStringList> spellings{
        {QStringLiteral("--") + option, value},
        {QStringLiteral("--%1=%2").arg(option, value)},
    };
    for (const QStringList &spelling : spellings) {
        ServerConfigParser parser;
        QString error;
        const auto config = parser.parse(args(spelling), &error);
        QVERIFY2(config, qPrintable(spelling.join(QLatin1Char(' ')) + QLatin1String(": ") + error));
        QCOMPARE(numericField(*config, option), expected);
        if (option == QLatin1String("threads") && expected > 0)
            QCOMPARE(config->effectiveThreads(), int(expected));
    }
}

void tst_ServerConfig::badNumericFlag_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("value");

    QTest::newRow("threads-not-a-number") << "threads" << "many";
    QTest::newRow("threads-trailing-garbage") << "threads" << "4x";
    QTest::newRow("threads-fraction") << "threads" << "1.5";
    QTest::newRow("threads-empty") << "threads" << "";
    QTest::newRow("threads-negative") << "threads" << "-1";
    QTest::newRow("threads-above-1024") << "threads" << "1025";
    QTest::newRow("max-conns-zero") << "max-conns" << "0";
    QTest::newRow("max-conns-above-million") << "max-conns" << "1000001";
    QTest::newRow("max-conns-hex") << "max-conns" << "0x10";
    QTest::newRow("max-requests-per-conn-zero") << "max-requests-per-conn" << "0";
    QTest::newRow("max-requests-per-conn-65536") << "max-requests-per-conn" << "65536";
    QTest::newRow("max-params-bytes-below-256") << "max-params-bytes" << "255";
    QTest::newRow("max-params-bytes-above-1g") << "max-params-bytes" << "1073741825";
    QTest::newRow("max-body-bytes-negative") << "max-body-bytes" << "-5";
    QTest::newRow("max-body-bytes-above-2^50") << "max-body-bytes" << "1125899906842625";
    QTest::newRow("max-body-bytes-overflows-qint64")
        << "max-body-bytes" << "99999999999999999999";
    QTest::newRow("max-body-bytes-with-unit") << "max-body-bytes" << "10M";
    QTest::newRow("idle-timeout-negative") << "idle-timeout" << "-1";
    QTest::newRow("idle-timeout-above-int-max") << "idle-timeout" << "2147483648";
    QTest::newRow("shutdown-grace-not-a-number") << "shutdown-grace" << "soon";
    QTest::newRow("shutdown-grace-above-int-max") << "shutdown-grace" << "2147483648";
}

void tst_ServerConfig::badNumericFlag()
{
    QFETCH(QString, option);
    QFETCH(QString, value);

    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args({QStringLiteral("--%1=%2").arg(option, value)}), &error);
    if (config)
        QFAIL(qPrintable(QStringLiteral("accepted; %1 = %2").arg(option).arg(numericField(*config, option))));
    QVERIFY2(error.contains(QStringLiteral("--") + option), qPrintable(error));
    QVERIFY2(error.contains(QLatin1Char('\'') + value + QLatin1Char('\'')), qPrintable(error));
}

void tst_ServerConfig::commandLineErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("errorContains");

    QTest::newRow("missing-value-at-end") << QStringList{"--threads"} << "threads";
    QTest::newRow("missing-listen-value") << QStringList{"--listen"} << "listen";
    QTest::newRow("unknown-option") << QStringList{"--bogus"} << "bogus";
    QTest::newRow("unknown-short-option") << QStringList{"-x"} << "x";
    QTest::newRow("positional-argument") << QStringList{"stray"} << "stray";
    QTest::newRow("value-for-a-switch") << QStringList{"--help=yes"} << "help";
    QTest::newRow("missing-config-file")
        << QStringList{"--config", "/nonexistent/afcgid.ini"} << "/nonexistent/afcgid.ini";
}

void tst_ServerConfig::commandLineErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, errorContains);

    ServerConfigParser parser;
    QString error;
    QVERIFY(!parser.parse(args(arguments), &error));
    QVERIFY2(error.contains(errorContains), qPrintable(error));
}

void tst_ServerConfig::listen_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("addresses"); // toString() of each, in order; empty = error
    QTest::addColumn<QString>("errorContains");

    QTest::newRow("one") << QStringList{"--listen", "127.0.0.1:9000"}
                         << QStringList{"127.0.0.1:9000"} << QString();
    QTest::newRow("short-flag") << QStringList{"-l", ":9001"} << QStringList{"0.0.0.0:9001"}
                                << QString();
    QTest::newRow("repeated-keeps-order")
        << QStringList{"--listen", "127.0.0.1:9000", "-l", "unix:/tmp/a.sock", "--listen=[::1]:9001",
                       "--listen", "fd:0"}
        << QStringList{"127.0.0.1:9000", "unix:/tmp/a.sock", "[::1]:9001", "fd:0"} << QString();
    QTest::newRow("comma-separated-in-one-flag")
        << QStringList{"--listen", "127.0.0.1:9000,unix:/tmp/b.sock"}
        << QStringList{"127.0.0.1:9000", "unix:/tmp/b.sock"} << QString();
    QTest::newRow("same-address-twice-is-kept")
        << QStringList{"--listen", ":9000", "--listen", ":9000"}
        << QStringList{"0.0.0.0:9000", "0.0.0.0:9000"} << QString();
    QTest::newRow("bad-port") << QStringList{"--listen", "127.0.0.1:70000"} << QStringList()
                              << "--listen 127.0.0.1:70000";
    QTest::newRow("bad-second-of-several")
        << QStringList{"--listen", ":9000", "--listen", "unix:"} << QStringList() << "--listen unix:";
    QTest::newRow("bad-host") << QStringList{"--listen", "nohost:80"} << QStringList()
                              << "nohost";
}

void tst_ServerConfig::listen()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, addresses);
    QFETCH(QString, errorContains);

    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args(arguments), &error);
    if (addresses.isEmpty()) {
        QVERIFY(!config);
        QVERIFY2(error.contains(errorContains), qPrintable(error));
        return;
    }
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(listenStrings(*config), addresses);
}

void tst_ServerConfig::logLevel_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // empty = error

    QTest::newRow("debug") << "debug" << "debug";
    QTest::newRow("info") << "info" << "info";
    QTest::newRow("warning") << "warning" << "warning";
    QTest::newRow("error") << "error" << "error";
    QTest::newRow("upper-case-is-folded") << "WARNING" << "warning";
    QTest::newRow("mixed-case-is-folded") << "Debug" << "debug";
    QTest::newRow("unknown-level") << "verbose" << QString();
    QTest::newRow("abbreviation") << "warn" << QString();
    QTest::newRow("empty") << "" << QString();
    QTest::newRow("number") << "3" << QString();
}

void tst_ServerConfig::logLevel()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);

    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args({QStringLiteral("--log-level"), value}), &error);
    if (expected.isEmpty()) {
        QVERIFY(!config);
        QVERIFY2(error.contains(QLatin1String("--log-level")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1Char('\'') + value + QLatin1Char('\'')), qPrintable(error));
        return;
    }
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->logLevel, expected);
}

void tst_ServerConfig::unixSocketFile_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("ini"); // a config file's contents, when not empty
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("owner");
    QTest::addColumn<QString>("group");

    QTest::newRow("defaults") << QStringList() << QByteArray() << -1 << QString() << QString();
    QTest::newRow("mode-and-group")
        << QStringList{"--socket-mode", "0660", "--socket-group", "www-data"} << QByteArray()
        << 0660 << QString() << QStringLiteral("www-data");
    QTest::newRow("owner-by-name") << QStringList{"--socket-owner", "nobody"} << QByteArray()
                                   << -1 << QStringLiteral("nobody") << QString();
    QTest::newRow("ids-from-file")
        << QStringList() << QByteArray("socket-owner = 33\nsocket-group = 33\nsocket-mode = 0600\n")
        << 0600 << QStringLiteral("33") << QStringLiteral("33");
    QTest::newRow("flag-overrides-file")
        << QStringList{"--socket-group", "adm"} << QByteArray("socket-group = www-data\n")
        << -1 << QString() << QStringLiteral("adm");
}

void tst_ServerConfig::unixSocketFile()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, ini);
    QFETCH(int, mode);
    QFETCH(QString, owner);
    QFETCH(QString, group);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    if (!ini.isEmpty()) {
        const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
        QVERIFY(writeFile(file, ini));
        arguments << QStringLiteral("--config") << file;
    }
    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args(arguments), &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->socketMode, mode);
    QCOMPARE(config->socketOwner, owner);
    QCOMPARE(config->socketGroup, group);
}

void tst_ServerConfig::configFile_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<QString>("option"); // a numeric option to check, or "log-level" / "listen"
    QTest::addColumn<QString>("expected");

    QTest::newRow("threads") << QByteArray("threads = 6\n") << "threads" << "6";
    QTest::newRow("max-conns") << QByteArray("max-conns=42\n") << "max-conns" << "42";
    QTest::newRow("max-requests-per-conn")
        << QByteArray("max-requests-per-conn = 7\n") << "max-requests-per-conn" << "7";
    QTest::newRow("max-params-bytes")
        << QByteArray("max-params-bytes = 4096\n") << "max-params-bytes" << "4096";
    QTest::newRow("max-body-bytes")
        << QByteArray("max-body-bytes = 5000000000\n") << "max-body-bytes" << "5000000000";
    QTest::newRow("idle-timeout") << QByteArray("idle-timeout = 0\n") << "idle-timeout" << "0";
    QTest::newRow("shutdown-grace")
        << QByteArray("shutdown-grace = 100\n") << "shutdown-grace" << "100";
    QTest::newRow("log-level") << QByteArray("log-level = debug\n") << "log-level" << "debug";
    QTest::newRow("log-level-upper-case")
        << QByteArray("log-level = ERROR\n") << "log-level" << "error";
    QTest::newRow("listen-one") << QByteArray("listen = 127.0.0.1:9100\n") << "listen"
                                << "127.0.0.1:9100";
    QTest::newRow("listen-comma-list")
        << QByteArray("listen = 127.0.0.1:9100, [::1]:9101, unix:/tmp/c.sock\n") << "listen"
        << "127.0.0.1:9100 [::1]:9101 unix:/tmp/c.sock";
    QTest::newRow("listen-space-list") << QByteArray("listen = \"fd:0 :9102\"\n") << "listen"
                                       << "fd:0 0.0.0.0:9102";
    QTest::newRow("key-in-a-section")
        << QByteArray("[afcgid]\nthreads = 3\n") << "threads" << "3";
    QTest::newRow("comments-and-blank-lines")
        << QByteArray("; afcgid settings\n\n# more\nmax-conns = 9\n") << "max-conns" << "9";
    QTest::newRow("all-keys-together")
        << QByteArray("threads = 2\nmax-conns = 3\nmax-requests-per-conn = 4\n"
                      "max-params-bytes = 5000\nmax-body-bytes = 6\nidle-timeout = 7\n"
                      "shutdown-grace = 8\nlog-level = warning\nlisten = :9200\n")
        << "shutdown-grace" << "8";
}

void tst_ServerConfig::configFile()
{
    QFETCH(QByteArray, ini);
    QFETCH(QString, option);
    QFETCH(QString, expected);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
    QVERIFY(writeFile(file, ini));

    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(args({QStringLiteral("--config"), file}), &error);
    QVERIFY2(config, qPrintable(error));
    if (option == QLatin1String("log-level"))
        QCOMPARE(config->logLevel, expected);
    else if (option == QLatin1String("listen"))
        QCOMPARE(listenStrings(*config).join(QLatin1Char(' ')), expected);
    else
        QCOMPARE(numericField(*config, option), expected.toLongLong());

    if (QByteArray(QTest::currentDataTag()) == "all-keys-together") {
        QCOMPARE(config->threads, 2);
        QCOMPARE(config->maxConns, 3);
        QCOMPARE(config->maxRequestsPerConn, 4);
        QCOMPARE(config->maxParamsBytes, 5000);
        QCOMPARE(config->maxBodyBytes, 6);
        QCOMPARE(config->idleTimeoutMs, 7);
        QCOMPARE(config->shutdownGraceMs, 8);
        QCOMPARE(config->logLevel, QStringLiteral("warning"));
        QCOMPARE(listenStrings(*config), QStringList{QStringLiteral("0.0.0.0:9200")});
    }
}

void tst_ServerConfig::flagsOverrideFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
    QVERIFY(writeFile(file, "threads = 2\nmax-conns = 50\nlog-level = debug\n"
                            "listen = 127.0.0.1:9300, unix:/tmp/file.sock\n"));

    ServerConfigParser parser;
    QString error;
    // The flags come before --config on purpose: the file is still read first.
    const auto config = parser.parse(args({"--threads", "6", "--log-level", "error", "--listen",
                                           ":9400", "--config", file}),
                                     &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->threads, 6);                    // flag wins
    QCOMPARE(config->logLevel, QStringLiteral("error")); // flag wins
    QCOMPARE(listenStrings(*config), QStringList{QStringLiteral("0.0.0.0:9400")}); // replaced, not added
    QCOMPARE(config->maxConns, 50);                  // from the file
    QCOMPARE(config->idleTimeoutMs, 60000);          // default

    // Without --listen on the command line, the file's addresses stay.
    ServerConfigParser second;
    const auto fileListen = second.parse(args({"--config", file}), &error);
    QVERIFY2(fileListen, qPrintable(error));
    QCOMPARE(listenStrings(*fileListen),
             (QStringList{QStringLiteral("127.0.0.1:9300"), QStringLiteral("unix:/tmp/file.sock")}));
}

void tst_ServerConfig::configFileErrors_data()
{
    QTest::addColumn<QByteArray>("ini");
    QTest::addColumn<QString>("errorContains");

    QTest::newRow("unknown-key") << QByteArray("threads = 2\nworkers = 4\n") << "workers";
    QTest::newRow("unknown-key-in-section") << QByteArray("[afcgid]\nfoo = 1\n") << "foo";
    QTest::newRow("flag-only-key-config") << QByteArray("config = other.ini\n") << "config";
    QTest::newRow("bad-number") << QByteArray("max-conns = lots\n") << "--max-conns";
    QTest::newRow("number-out-of-range") << QByteArray("threads = 5000\n") << "--threads";
    QTest::newRow("bad-log-level") << QByteArray("log-level = loud\n") << "--log-level";
    QTest::newRow("bad-listen") << QByteArray("listen = 127.0.0.1:99999\n") << "--listen";
    QTest::newRow("bad-second-listen")
        << QByteArray("listen = :9000, unix:\n") << "--listen unix:";
}

void tst_ServerConfig::configFileErrors()
{
    QFETCH(QByteArray, ini);
    QFETCH(QString, errorContains);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
    QVERIFY(writeFile(file, ini));

    ServerConfigParser parser;
    QString error;
    QVERIFY(!parser.parse(args({QStringLiteral("--config"), file}), &error));
    QVERIFY2(error.contains(errorContains), qPrintable(error));
    QVERIFY2(error.contains(file), qPrintable(error)); // says which file
}

void tst_ServerConfig::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("help");
    QTest::addColumn<bool>("version");

    QTest::newRow("none") << QStringList() << false << false;
    QTest::newRow("long-help") << QStringList{"--help"} << true << false;
    QTest::newRow("short-help") << QStringList{"-h"} << true << false;
    QTest::newRow("long-version") << QStringList{"--version"} << false << true;
    QTest::newRow("short-version") << QStringList{"-v"} << false << true;
    QTest::newRow("both") << QStringList{"--help", "--version"} << true << true;
    QTest::newRow("help-with-other-flags") << QStringList{"--threads", "2", "-h"} << true << false;
}

void tst_ServerConfig::helpAndVersion()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, help);
    QFETCH(bool, version);

    ServerConfigParser parser;
    QString error;
    QVERIFY2(parser.parse(args(arguments), &error), qPrintable(error));
    QCOMPARE(parser.helpRequested(), help);
    QCOMPARE(parser.versionRequested(), version);
}

// --app and [app:PREFIX] sections: the file's sections first, --app for a prefix with a
// section takes its settings, a relative plugin path in the file is relative to the file.
void tst_ServerConfig::apps()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
    QVERIFY(writeFile(file, "threads = 2\n"
                            "[app:/notes/]\nplugin = apps/libnotes.so\nfile = /var/lib/notes.json\n"
                            "[app:/api/v1/todo]\nlimit = 10\ntags = a, b\n"));
    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(
        args({QStringLiteral("--config"), file, QStringLiteral("--app"), QStringLiteral("/api/v1/todo=/opt/libtodo.so"),
              QStringLiteral("--app"), QStringLiteral("/x=/opt/libx.so")}),
        &error);
    QVERIFY2(config, qPrintable(error));
    QCOMPARE(config->threads, 2);
    QCOMPARE(config->apps.size(), 3);
    QCOMPARE(config->apps.at(0).prefix, QStringLiteral("/notes"));
    QCOMPARE(config->apps.at(0).plugin, dir.filePath(QStringLiteral("apps/libnotes.so")));
    QCOMPARE(config->apps.at(0).settings,
             (QVariantMap{{QStringLiteral("file"), QStringLiteral("/var/lib/notes.json")}}));
    QCOMPARE(config->apps.at(1).prefix, QStringLiteral("/api/v1/todo"));
    QCOMPARE(config->apps.at(1).plugin, QStringLiteral("/opt/libtodo.so"));
    QCOMPARE(config->apps.at(1).settings.value(QStringLiteral("limit")).toString(), QStringLiteral("10"));
    QCOMPARE(config->apps.at(1).settings.value(QStringLiteral("tags")).toStringList(),
             (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(config->apps.at(2).prefix, QStringLiteral("/x"));
    QVERIFY(config->apps.at(2).settings.isEmpty());
}

// What the monitor's `config` command lists: the CGI bridge's settings and mounts and the
// applications, each with where it came from; of the environment, the names only.
void tst_ServerConfig::effectiveConfigNamesBridgeAndApps()
{
#ifdef Q_OS_WIN
    QSKIP("no CGI programs on Windows");
#endif
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("afcgid.ini"));
    QVERIFY(writeFile(file, "cgi-timeout = 3000\n[cgi /git]\nprogram = /bin/true\n"));
    ServerConfigParser parser;
    QString error;
    const auto config = parser.parse(
        args({QStringLiteral("--config"), file, QStringLiteral("--cgi-root"), dir.path(), QStringLiteral("--cgi-env"),
              QStringLiteral("TOKEN=secret"), QStringLiteral("--app"), QStringLiteral("/notes=/opt/libnotes.so")}),
        &error);
    QVERIFY2(config, qPrintable(error));
    QHash<QString, monitor::Setting> settings;
    for (const monitor::Setting &setting : describeConfig(*config))
        settings.insert(setting.key, setting);
    const QString fromFile = QStringLiteral("config file ") + file;
    const QString commandLine = QStringLiteral("command line");
    const QList<std::tuple<QString, QString, QString>> expected{
        {QStringLiteral("cgi-root"), dir.path(), commandLine},
        {QStringLiteral("cgi-timeout"), QStringLiteral("3000"), fromFile},
        {QStringLiteral("cgi-max-children"), QStringLiteral("32"), QStringLiteral("default")},
        {QStringLiteral("cgi-env"), QStringLiteral("TOKEN"), commandLine},
        {QStringLiteral("cgi /git"), QStringLiteral("/bin/true"), fromFile},
        {QStringLiteral("app:/notes"), QStringLiteral("/opt/libnotes.so"), commandLine},
    };
    for (const auto &[key, value, origin] : expected) {
        QVERIFY2(settings.contains(key), qPrintable(key));
        QCOMPARE(settings.value(key).value, value);
        QCOMPARE(settings.value(key).origin, origin);
        QVERIFY(!settings.value(key).live);
    }
}

QTEST_GUILESS_MAIN(tst_ServerConfig)
#include "tst_serverconfig.moc"
