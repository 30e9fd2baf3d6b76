#include "cgiresponse.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

using Headers = QList<QPair<QByteArray, QByteArray>>;

class tst_CgiResponse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void parse_data();
    void parse();
    void headerLookup_data();
    void headerLookup();
    void incomplete_data();
    void incomplete();
};

void tst_CgiResponse::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_CgiResponse::parse_data()
{
    QTest::addColumn<QByteArray>("stdoutBytes");
    QTest::addColumn<int>("status");
    QTest::addColumn<Headers>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("crlf-no-status-200")
        << QByteArray("Content-Type: text/plain\r\n\r\nhello") << 200
        << Headers{ { "Content-Type", "text/plain" } } << QByteArray("hello");
    QTest::newRow("lf-only") << QByteArray("Content-Type: text/plain\n\nhello") << 200
                             << Headers{ { "Content-Type", "text/plain" } } << QByteArray("hello");
    QTest::newRow("status-404") << QByteArray("Status: 404 Not Found\r\nContent-Type: text/html\r\n\r\n")
        << 404 << Headers{ { "Status", "404 Not Found" }, { "Content-Type", "text/html" } }
        << QByteArray();
    QTest::newRow("status-code-only") << QByteArray("Status: 204\r\n\r\n") << 204
                                      << Headers{ { "Status", "204" } } << QByteArray();
    QTest::newRow("status-lowercase-name") << QByteArray("status: 500 Oops\n\n") << 500
                                           << Headers{ { "status", "500 Oops" } } << QByteArray();
    QTest::newRow("location-only-302") << QByteArray("Location: http://x/\r\n\r\n") << 302
                                       << Headers{ { "Location", "http://x/" } } << QByteArray();
    QTest::newRow("location-with-status")
        << QByteArray("Status: 301 Moved\r\nLocation: /new\r\n\r\n") << 301
        << Headers{ { "Status", "301 Moved" }, { "Location", "/new" } } << QByteArray();
    QTest::newRow("values-trimmed-no-space")
        << QByteArray("X-A:v1\r\nX-B:   v2  \r\n\r\n") << 200
        << Headers{ { "X-A", "v1" }, { "X-B", "v2" } } << QByteArray();
    QTest::newRow("value-with-colon") << QByteArray("X-Time: 12:00:01\r\n\r\n") << 200
                                      << Headers{ { "X-Time", "12:00:01" } } << QByteArray();
    QTest::newRow("repeated-header")
        << QByteArray("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n") << 200
        << Headers{ { "Set-Cookie", "a=1" }, { "Set-Cookie", "b=2" } } << QByteArray();
    QTest::newRow("body-keeps-blank-lines")
        << QByteArray("A: 1\r\n\r\nline1\r\n\r\nline2\n\n") << 200 << Headers{ { "A", "1" } }
        << QByteArray("line1\r\n\r\nline2\n\n");
    QTest::newRow("first-terminator-wins-lf")
        << QByteArray("A: 1\n\nB: 2\r\n\r\n") << 200 << Headers{ { "A", "1" } }
        << QByteArray("B: 2\r\n\r\n");
    QTest::newRow("no-headers") << QByteArray("\r\nbody") << 200 << Headers{} << QByteArray("body");
    QTest::newRow("binary-body") << QByteArray("A: 1\r\n\r\n") + QByteArray("\0\xff\r\n", 4) << 200
                                 << Headers{ { "A", "1" } } << QByteArray("\0\xff\r\n", 4);
}

void tst_CgiResponse::parse()
{
    QFETCH(QByteArray, stdoutBytes);
    QFETCH(int, status);
    QFETCH(Headers, headers);
    QFETCH(QByteArray, body);
    const auto response = parseCgiResponse(stdoutBytes);
    QVERIFY(response);
    QCOMPARE(response->status, status);
    QCOMPARE(response->headers, headers);
    QCOMPARE(response->body, body);
}

void tst_CgiResponse::headerLookup_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("exact") << QByteArray("Content-Type") << QByteArray("text/plain");
    QTest::newRow("lower") << QByteArray("content-type") << QByteArray("text/plain");
    QTest::newRow("upper") << QByteArray("CONTENT-TYPE") << QByteArray("text/plain");
    QTest::newRow("first-of-repeated") << QByteArray("set-cookie") << QByteArray("a=1");
    QTest::newRow("absent") << QByteArray("X-Missing") << QByteArray();
    QTest::newRow("prefix-is-not-a-match") << QByteArray("Content") << QByteArray();
}

void tst_CgiResponse::headerLookup()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    const auto response = parseCgiResponse(
        "Content-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n");
    QVERIFY(response);
    QCOMPARE(response->header(name), value);
}

void tst_CgiResponse::incomplete_data()
{
    QTest::addColumn<QByteArray>("stdoutBytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("no-terminator") << QByteArray("Content-Type: text/plain\r\n");
    QTest::newRow("half-terminator") << QByteArray("Content-Type: text/plain\r\n\r");
    QTest::newRow("no-newline-at-all") << QByteArray("Content-Type: text/plain");
    QTest::newRow("line-without-colon") << QByteArray("HTTP/1.1 200 OK\r\n\r\n");
    QTest::newRow("empty-header-name") << QByteArray(": v\r\n\r\n");
    QTest::newRow("bad-status") << QByteArray("Status: abc\r\n\r\n");
    QTest::newRow("status-code-too-long") << QByteArray("Status: 2000 Big\r\n\r\n");
}

void tst_CgiResponse::incomplete()
{
    QFETCH(QByteArray, stdoutBytes);
    QVERIFY(!parseCgiResponse(stdoutBytes));
}

QTEST_APPLESS_MAIN(tst_CgiResponse)
#include "tst_cgiresponse.moc"
