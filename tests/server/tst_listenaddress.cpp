#include "config/listenaddress.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;
using Kind = ListenAddress::Kind;

Q_DECLARE_METATYPE(afcgi::ListenAddress::Kind)

class tst_ListenAddress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();

    void parse_data();
    void parse();
    void errors_data();
    void errors();
    void errorPointerIsOptional();
    void toStringOfBuiltAddress_data();
    void toStringOfBuiltAddress();
};

void tst_ListenAddress::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_ListenAddress::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("host");  // QHostAddress::toString(), TCP only
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("fd");
    QTest::addColumn<QString>("canonical"); // toString()

    QTest::newRow("ipv4-host-port") << "127.0.0.1:9000" << Kind::Tcp << "127.0.0.1" << 9000
                                    << QString() << -1 << "127.0.0.1:9000";
    QTest::newRow("ipv4-other-host") << "192.168.1.20:80" << Kind::Tcp << "192.168.1.20" << 80
                                     << QString() << -1 << "192.168.1.20:80";
    QTest::newRow("ipv4-any") << "0.0.0.0:9000" << Kind::Tcp << "0.0.0.0" << 9000 << QString()
                              << -1 << "0.0.0.0:9000";
    QTest::newRow("port-zero-for-ephemeral") << "127.0.0.1:0" << Kind::Tcp << "127.0.0.1" << 0
                                             << QString() << -1 << "127.0.0.1:0";
    QTest::newRow("port-65535") << "127.0.0.1:65535" << Kind::Tcp << "127.0.0.1" << 65535
                                << QString() << -1 << "127.0.0.1:65535";
    QTest::newRow("ipv6-loopback-bracketed") << "[::1]:9000" << Kind::Tcp << "::1" << 9000
                                             << QString() << -1 << "[::1]:9000";
    QTest::newRow("ipv6-any-bracketed") << "[::]:9000" << Kind::Tcp << "::" << 9000 << QString()
                                        << -1 << "[::]:9000";
    QTest::newRow("ipv6-documentation-address")
        << "[2001:db8::1]:443" << Kind::Tcp << "2001:db8::1" << 443 << QString() << -1
        << "[2001:db8::1]:443";
    QTest::newRow("empty-host-is-all-ipv4") << ":9000" << Kind::Tcp << "0.0.0.0" << 9000
                                            << QString() << -1 << "0.0.0.0:9000";
    QTest::newRow("star-host-is-all-ipv4") << "*:9000" << Kind::Tcp << "0.0.0.0" << 9000
                                           << QString() << -1 << "0.0.0.0:9000";
    QTest::newRow("localhost-is-ipv4-loopback") << "localhost:9000" << Kind::Tcp << "127.0.0.1"
                                                << 9000 << QString() << -1 << "127.0.0.1:9000";
    QTest::newRow("unix-absolute-path") << "unix:/tmp/afcgi.sock" << Kind::Unix << QString() << 0
                                        << "/tmp/afcgi.sock" << -1 << "unix:/tmp/afcgi.sock";
    QTest::newRow("unix-relative-path") << "unix:afcgi.sock" << Kind::Unix << QString() << 0
                                        << "afcgi.sock" << -1 << "unix:afcgi.sock";
    QTest::newRow("unix-path-with-colon") << "unix:/run/a:b.sock" << Kind::Unix << QString() << 0
                                          << "/run/a:b.sock" << -1 << "unix:/run/a:b.sock";
    QTest::newRow("unix-path-with-space") << "unix:/tmp/my sock" << Kind::Unix << QString() << 0
                                          << "/tmp/my sock" << -1 << "unix:/tmp/my sock";
    QTest::newRow("inherited-fd-0") << "fd:0" << Kind::InheritedFd << QString() << 0 << QString()
                                    << 0 << "fd:0";
    QTest::newRow("inherited-fd-3") << "fd:3" << Kind::InheritedFd << QString() << 0 << QString()
                                    << 3 << "fd:3";
}

void tst_ListenAddress::parse()
{
    QFETCH(QString, text);
    QFETCH(Kind, kind);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, path);
    QFETCH(int, fd);
    QFETCH(QString, canonical);

    QString error;
    const auto address = ListenAddress::parse(text, &error);
    QVERIFY2(address, qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(address->kind, kind);
    if (kind == Kind::Tcp)
        QCOMPARE(address->host.toString(), host);
    QCOMPARE(int(address->port), port);
    QCOMPARE(address->path, path);
    QCOMPARE(address->fd, fd);
    QCOMPARE(address->toString(), canonical);

    // Round trip: the canonical form parses back to the same address.
    const auto again = ListenAddress::parse(canonical, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->kind, address->kind);
    QCOMPARE(again->host, address->host);
    QCOMPARE(again->port, address->port);
    QCOMPARE(again->path, address->path);
    QCOMPARE(again->fd, address->fd);
    QCOMPARE(again->toString(), canonical);
}

void tst_ListenAddress::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("errorContains");

    QTest::newRow("empty") << "" << "host:port";
    QTest::newRow("no-port") << "127.0.0.1" << "host:port";
    QTest::newRow("bare-word") << "localhost" << "host:port";
    QTest::newRow("empty-port") << "127.0.0.1:" << "port";
    QTest::newRow("port-70000") << "127.0.0.1:70000" << "port";
    QTest::newRow("port-65536") << "127.0.0.1:65536" << "port";
    QTest::newRow("negative-port") << "127.0.0.1:-1" << "port";
    QTest::newRow("service-name-port") << "127.0.0.1:http" << "port";
    QTest::newRow("port-with-garbage") << "127.0.0.1:80x" << "port";
    QTest::newRow("ipv6-bracketed-no-port") << "[::1]" << "port";
    QTest::newRow("ipv6-bracketed-empty-port") << "[::1]:" << "port";
    QTest::newRow("ipv6-unclosed-bracket") << "[::1:9000" << "host";
    QTest::newRow("ipv6-bare-loopback-no-port") << "::1" << "brackets";
    // Ambiguous without brackets: fe80::1 port 80, or the address fe80::1:80 and no port?
    QTest::newRow("ipv6-unbracketed-with-port") << "fe80::1:80" << "brackets";
    QTest::newRow("ipv6-unbracketed-any") << ":::9000" << "brackets";
    QTest::newRow("bad-host-name") << "bad-host:9000" << "host";
    QTest::newRow("dns-name-not-resolved") << "example.com:9000" << "host";
    QTest::newRow("ipv4-octet-out-of-range") << "256.1.1.1:9000" << "host";
    QTest::newRow("empty-brackets") << "[]:9000" << "host";
    QTest::newRow("bracketed-star") << "[*]:9000" << "host";
    QTest::newRow("bracketed-localhost") << "[localhost]:9000" << "host";
    QTest::newRow("unix-without-path") << "unix:" << "unix";
    QTest::newRow("fd-without-number") << "fd:" << "fd";
    QTest::newRow("fd-negative") << "fd:-1" << "fd";
    QTest::newRow("fd-not-a-number") << "fd:stdin" << "fd";
}

void tst_ListenAddress::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, errorContains);

    QString error;
    const auto address = ListenAddress::parse(text, &error);
    QVERIFY2(!address, qPrintable(address ? address->toString() : QString()));
    QVERIFY2(error.contains(errorContains), qPrintable(error));
}

void tst_ListenAddress::errorPointerIsOptional()
{
    QVERIFY(!ListenAddress::parse(QStringLiteral("127.0.0.1:70000")));
    QVERIFY(!ListenAddress::parse(QStringLiteral("unix:")));
    QVERIFY(ListenAddress::parse(QStringLiteral("127.0.0.1:9000")));
}

void tst_ListenAddress::toStringOfBuiltAddress_data()
{
    // Addresses built in code (as the engine does for its default) print like parsed ones.
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("fd");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ipv4-loopback") << Kind::Tcp << "127.0.0.1" << 9000 << QString() << -1
                                   << "127.0.0.1:9000";
    QTest::newRow("ipv6-loopback") << Kind::Tcp << "::1" << 9001 << QString() << -1
                                   << "[::1]:9001";
    QTest::newRow("ipv6-scoped") << Kind::Tcp << "fe80::1%lo" << 80 << QString() << -1
                                 << "[fe80::1%lo]:80";
    QTest::newRow("unix-socket") << Kind::Unix << QString() << 0 << "/run/afcgi.sock" << -1
                                 << "unix:/run/afcgi.sock";
    QTest::newRow("inherited-fd") << Kind::InheritedFd << QString() << 0 << QString() << 0
                                  << "fd:0";
}

void tst_ListenAddress::toStringOfBuiltAddress()
{
    QFETCH(Kind, kind);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, path);
    QFETCH(int, fd);
    QFETCH(QString, expected);

    ListenAddress address;
    address.kind = kind;
    if (!host.isEmpty())
        QVERIFY(address.host.setAddress(host));
    address.port = quint16(port);
    address.path = path;
    address.fd = fd;
    QCOMPARE(address.toString(), expected);

    const auto parsed = ListenAddress::parse(expected);
    QVERIFY(parsed);
    QCOMPARE(parsed->kind, kind);
    QCOMPARE(parsed->host, address.host);
    QCOMPARE(parsed->port, address.port);
    QCOMPARE(parsed->path, address.path);
    QCOMPARE(parsed->fd, address.fd);
}

QTEST_GUILESS_MAIN(tst_ListenAddress)
#include "tst_listenaddress.moc"
