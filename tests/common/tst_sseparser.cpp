// The server-sent event reader: fed whole, split anywhere, one byte at a time; the standard's
// corner cases (CR, CRLF split across feeds, BOM, comments, "id" persisting, no data no event).
#include "sseparser.h"

#include <QTest>

using namespace afcgi;

class tst_SseParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void events_data();
    void events();
    void splitAnywhere_data() { events_data(); }
    void splitAnywhere();
    void byteByByte_data() { events_data(); }
    void byteByByte();
    void trailingPartialEventStaysBuffered();
    void retryAndComments();
};

namespace {
// Events as "event|data|lastEventId" strings, so rows stay readable.
QStringList readAll(SseParser &p)
{
    QStringList out;
    while (auto e = p.next())
        out.append(QString::fromUtf8(e->event + '|' + e->data + '|' + e->lastEventId));
    return out;
}
} // namespace

void tst_SseParser::events_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("one") << QByteArray("data: hi\n\n") << QStringList{"message|hi|"};
    QTest::newRow("id-event-data") << QByteArray("id: 7:1\nevent: news\ndata: a\n\n")
                                   << QStringList{"news|a|7:1"};
    QTest::newRow("multi-line-data") << QByteArray("data: a\ndata: b\ndata:\n\n")
                                     << QStringList{"message|a\nb\n|"};
    QTest::newRow("crlf") << QByteArray("id: 1:1\r\ndata: x\r\n\r\n") << QStringList{"message|x|1:1"};
    QTest::newRow("cr-only") << QByteArray("data: x\r\rdata: y\r\r")
                             << QStringList{"message|x|", "message|y|"};
    QTest::newRow("bom") << QByteArray("\xEF\xBB\xBF" "data: b\n\n") << QStringList{"message|b|"};
    QTest::newRow("no-space-after-colon") << QByteArray("data:x\n\n") << QStringList{"message|x|"};
    QTest::newRow("two-spaces-keep-one") << QByteArray("data:  x\n\n") << QStringList{"message| x|"};
    QTest::newRow("comment-ignored") << QByteArray(": keep-alive\n\ndata: z\n\n")
                                     << QStringList{"message|z|"};
    QTest::newRow("id-persists") << QByteArray("id: 1:5\ndata: a\n\ndata: b\n\n")
                                 << QStringList{"message|a|1:5", "message|b|1:5"};
    QTest::newRow("event-without-data-not-dispatched")
            << QByteArray("event: reset\n\ndata: after\n\n") << QStringList{"message|after|"};
    QTest::newRow("unknown-field-ignored") << QByteArray("foo: bar\ndata: q\n\n")
                                           << QStringList{"message|q|"};
    QTest::newRow("field-without-colon") << QByteArray("data\n\n") << QStringList{"message||"};
    QTest::newRow("multi-channel-ids") << QByteArray("id: 1:2,3:4\nevent: reset\ndata: {}\n\n")
                                       << QStringList{"reset|{}|1:2,3:4"};
}

void tst_SseParser::events()
{
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expected);
    SseParser p;
    p.feed(wire);
    QCOMPARE(readAll(p), expected);
}

void tst_SseParser::splitAnywhere()
{
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expected);
    for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
        SseParser p;
        p.feed(QByteArrayView(wire).first(cut));
        QStringList got = readAll(p);
        p.feed(QByteArrayView(wire).sliced(cut));
        got += readAll(p);
        QCOMPARE(got, expected);
    }
}

void tst_SseParser::byteByByte()
{
    QFETCH(QByteArray, wire);
    QFETCH(QStringList, expected);
    SseParser p;
    QStringList got;
    for (char c : wire) {
        p.feed(QByteArrayView(&c, 1));
        got += readAll(p);
    }
    QCOMPARE(got, expected);
}

void tst_SseParser::trailingPartialEventStaysBuffered()
{
    SseParser p;
    p.feed("data: one\n\ndata: tw");
    QCOMPARE(readAll(p), QStringList{"message|one|"});
    QVERIFY(!p.next());
    p.feed("o\n\n");
    QCOMPARE(readAll(p), QStringList{"message|two|"});
}

void tst_SseParser::retryAndComments()
{
    SseParser p;
    p.feed("retry: 2000\n\n: a\n\n: b\n\nretry: x\n\n");
    QCOMPARE(readAll(p), QStringList{});
    QCOMPARE(p.retryMs(), 2000);
    QCOMPARE(p.comments(), 2);
}

QTEST_APPLESS_MAIN(tst_SseParser)
#include "tst_sseparser.moc"
