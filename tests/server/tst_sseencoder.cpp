// The event encoding, read back by the SSE reader as a browser would read it.
#include "handlers/hub/sseencoder.h"
#include "sseparser.h"

#include <QTest>

using namespace afcgi;

class tst_SseEncoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void roundTrip_data();
    void roundTrip();
    void exactBytes();
    void commentAndRetry();
};

void tst_SseEncoder::roundTrip_data()
{
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<QByteArray>("event");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("readBack"); // data as a reader sees it (line breaks as LF)
    QTest::newRow("plain") << QByteArray("1:1") << QByteArray() << QByteArray("hello") << QByteArray("hello");
    QTest::newRow("empty-data") << QByteArray("1:2") << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("lf") << QByteArray("1:3") << QByteArray("x") << QByteArray("a\nb") << QByteArray("a\nb");
    QTest::newRow("crlf") << QByteArray("1:4") << QByteArray() << QByteArray("a\r\nb") << QByteArray("a\nb");
    QTest::newRow("cr") << QByteArray("1:5") << QByteArray() << QByteArray("a\rb") << QByteArray("a\nb");
    QTest::newRow("trailing-lf") << QByteArray("1:6") << QByteArray() << QByteArray("a\n") << QByteArray("a\n");
    QTest::newRow("blank-lines") << QByteArray("1:7") << QByteArray() << QByteArray("\n\n") << QByteArray("\n\n");
    QTest::newRow("colon-and-spaces") << QByteArray("1:8") << QByteArray() << QByteArray(" : x")
                                      << QByteArray(" : x");
    QTest::newRow("json") << QByteArray("1:9") << QByteArray("update") << QByteArray("{\"a\":[1,2]}")
                          << QByteArray("{\"a\":[1,2]}");
    QTest::newRow("newline-in-event-dropped") << QByteArray("1:10") << QByteArray("up\ndate")
                                              << QByteArray("d") << QByteArray("d");
}

void tst_SseEncoder::roundTrip()
{
    QFETCH(QByteArray, id);
    QFETCH(QByteArray, event);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, readBack);
    SseParser p;
    p.feed(encodeSseEvent(id, event, data));
    const auto e = p.next();
    QVERIFY(e);
    QCOMPARE(e->data, readBack);
    QCOMPARE(e->lastEventId, id);
    QCOMPARE(e->event, event.isEmpty() ? QByteArray("message") : QByteArray(event).replace('\n', ""));
    QVERIFY(!p.next());
    QCOMPARE(p.buffered(), 0);
}

void tst_SseEncoder::exactBytes()
{
    qsizetype idLineEnd = -1;
    QCOMPARE(encodeSseEvent("5:1", "news", "a\nb", &idLineEnd),
             QByteArray("id: 5:1\nevent: news\ndata: a\ndata: b\n\n"));
    QCOMPARE(idLineEnd, 8);
    QCOMPARE(encodeSseEvent({}, {}, "x", &idLineEnd), QByteArray("data: x\n\n"));
    QCOMPARE(idLineEnd, 0);
}

void tst_SseEncoder::commentAndRetry()
{
    QCOMPARE(encodeSseComment("keep-alive"), QByteArray(": keep-alive\n\n"));
    QCOMPARE(encodeSseComment("a\nb"), QByteArray(": ab\n\n"));
    QCOMPARE(encodeSseRetry(2000), QByteArray("retry: 2000\n\n"));
    SseParser p;
    p.feed(encodeSseRetry(1500) + encodeSseComment("k"));
    QVERIFY(!p.next());
    QCOMPARE(p.retryMs(), 1500);
    QCOMPARE(p.comments(), 1);
}

QTEST_APPLESS_MAIN(tst_SseEncoder)
#include "tst_sseencoder.moc"
