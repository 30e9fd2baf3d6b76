// The bench's message scanner: whole, split anywhere, byte by byte, among other SSE fields.
#include "ssedatascanner.h"

#include <QTest>

using namespace afcgi::bench;

class tst_SseDataScanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void scan_data();
    void scan();
};

void tst_SseDataScanner::scan_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QList<quint64>>("found");
    QTest::newRow("one") << QByteArray("data: m42\n\n") << QList<quint64>{42};
    QTest::newRow("with-id") << QByteArray("retry: 2000\n\nid: 1:2\ndata: m7\n\nid: 1:3\ndata: m8\n\n")
                             << QList<quint64>{7, 8};
    QTest::newRow("crlf") << QByteArray("data: m5\r\n\r\n") << QList<quint64>{5};
    QTest::newRow("other-data-ignored") << QByteArray("data: x9\n\ndata: m10\n\n") << QList<quint64>{10};
    QTest::newRow("comment") << QByteArray(": keep-alive\n\ndata: m0\n\n") << QList<quint64>{0};
    QTest::newRow("not-at-line-start") << QByteArray("xdata: m3\ndata: m4\n") << QList<quint64>{4};
    QTest::newRow("big") << QByteArray("data: m18446744073709551615\n") << QList<quint64>{18446744073709551615ULL};
}

void tst_SseDataScanner::scan()
{
    QFETCH(QByteArray, wire);
    QFETCH(QList<quint64>, found);
    for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
        SseDataScanner s;
        QList<quint64> got;
        s.feed(QByteArrayView(wire).first(cut), [&](quint64 n) { got.append(n); });
        s.feed(QByteArrayView(wire).sliced(cut), [&](quint64 n) { got.append(n); });
        QCOMPARE(got, found);
    }
    SseDataScanner s;
    QList<quint64> got;
    for (char c : wire)
        s.feed(QByteArrayView(&c, 1), [&](quint64 n) { got.append(n); });
    QCOMPARE(got, found);
}

QTEST_APPLESS_MAIN(tst_SseDataScanner)
#include "tst_ssedatascanner.moc"
