// The soak's answer checks, without a socket: StreamLineCheck (the body of /stream, line by
// line) and the ResponseCheck pieces the soak adds (consume() for bodies checked elsewhere, and
// header lines without a colon).
#include "responsecheck.h"
#include "streamlinecheck.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi::bench;

namespace {
QByteArray lines(qint64 from, qint64 to)
{
    QByteArray out;
    for (qint64 i = from; i <= to; ++i)
        out += "line " + QByteArray::number(i) + '\n';
    return out;
}
} // namespace

class tst_StreamLineCheck : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void splitAnywhere_data();
    void splitAnywhere();
    void wrongBodies_data();
    void wrongBodies();
    void cutMidLineIsACorrectPrefix();
    void responseConsumeReturnsBodyBytes();
    void headerLineWithoutColonIsMalformed();
};

void tst_StreamLineCheck::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_StreamLineCheck::splitAnywhere_data()
{
    QTest::addColumn<qint64>("count");
    QTest::newRow("empty") << qint64(0);
    QTest::newRow("one-line") << qint64(1);
    QTest::newRow("digits-change-9-10") << qint64(12);
    QTest::newRow("hundred-and-one") << qint64(101);
}

void tst_StreamLineCheck::splitAnywhere()
{
    QFETCH(qint64, count);
    const QByteArray body = lines(1, count);
    for (qsizetype cut = 0; cut <= body.size(); ++cut) {
        StreamLineCheck check;
        check.feed(QByteArrayView(body).first(cut));
        check.feed(QByteArrayView(body).sliced(cut));
        QVERIFY(check.isComplete(count));
        QVERIFY(!check.isComplete(count + 1));
    }
    StreamLineCheck byteAtATime;
    for (const char c : body)
        byteAtATime.feed(QByteArrayView(&c, 1));
    QVERIFY(byteAtATime.isComplete(count));
}

void tst_StreamLineCheck::wrongBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("count");
    QTest::newRow("line-missing") << lines(1, 3) + lines(5, 6) << qint64(6);
    QTest::newRow("line-repeated") << lines(1, 3) + lines(3, 5) << qint64(5);
    QTest::newRow("starts-at-2") << lines(2, 4) << qint64(3);
    QTest::newRow("one-byte-changed") << QByteArray("line 1\nlinE 2\n") << qint64(2);
    QTest::newRow("no-newline-at-end") << QByteArray("line 1\nline 2") << qint64(2);
    QTest::newRow("sse-form") << QByteArray("data: line 1\n\n") << qint64(1);
    QTest::newRow("trailing-garbage") << lines(1, 2) + "x" << qint64(2);
}

void tst_StreamLineCheck::wrongBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, count);
    StreamLineCheck check;
    check.feed(body);
    QVERIFY(!check.isComplete(count));
}

void tst_StreamLineCheck::cutMidLineIsACorrectPrefix()
{
    // What an aborted /stream leaves: right so far, not complete.
    StreamLineCheck check;
    check.feed("line 1\nline 2\nli");
    QVERIFY(check.matchesSoFar());
    QCOMPARE(check.lines(), qint64(2));
    QVERIFY(!check.isComplete(2));
    check.feed("X");
    QVERIFY(!check.matchesSoFar());
}

void tst_StreamLineCheck::responseConsumeReturnsBodyBytes()
{
    const QByteArray response = "Status: 200 OK\r\nContent-Type: text/plain\r\n\r\n" + lines(1, 20);
    for (qsizetype cut = 0; cut <= response.size(); ++cut) {
        ResponseCheck check;
        StreamLineCheck body;
        check.reset();
        body.feed(check.consume(QByteArrayView(response).first(cut)));
        body.feed(check.consume(QByteArrayView(response).sliced(cut)));
        QCOMPARE(check.headVerdict(), Verdict::Ok);
        QVERIFY(body.isComplete(20));
        QCOMPARE(check.bodyBytes(), lines(1, 20).size());
    }
}

void tst_StreamLineCheck::headerLineWithoutColonIsMalformed()
{
    // Stray body bytes of an earlier response on a reused request id, before the new headers.
    ResponseCheck check;
    check.reset();
    check.feed("line 7\nContent-Type: text/plain\r\n\r\nHello world\n", "Hello world\n", true);
    QCOMPARE(check.finish("Hello world\n", true), Verdict::Malformed);
    check.reset();
    check.feed("Content-Type: text/plain\r\n\r\nHello world\n", "Hello world\n", true);
    QCOMPARE(check.finish("Hello world\n", true), Verdict::Ok);
}

QTEST_APPLESS_MAIN(tst_StreamLineCheck)
#include "tst_streamlinecheck.moc"
