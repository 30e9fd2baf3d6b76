// The latency buckets shared by afcgid's histogram and the monitor's sliding window.

#include "latencybuckets.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

class tst_LatencyBuckets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
    }
    void bucketFor_data();
    void bucketFor();
    void boundsContainTheirDurations();
    void percentiles();
};

void tst_LatencyBuckets::bucketFor_data()
{
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<int>("bucket");
    QTest::newRow("zero") << qint64(0) << 0;
    QTest::newRow("negative") << qint64(-5) << 0;
    QTest::newRow("1us") << qint64(1) << 0;
    QTest::newRow("3us") << qint64(3) << 8;     // 2^1, no sub-buckets under 8 µs
    QTest::newRow("8us") << qint64(8) << 24;    // 2^3, sub 0
    QTest::newRow("15us") << qint64(15) << 31;  // 2^3, sub 7
    QTest::newRow("1ms") << qint64(1000) << 79; // 2^9 = 512, (1000 >> 6) & 7 = 7
    QTest::newRow("1024us") << qint64(1024) << 80;
    QTest::newRow("huge") << (qint64(1) << 50) << latency::kBuckets - 1;
}

void tst_LatencyBuckets::bucketFor()
{
    QFETCH(qint64, micros);
    QFETCH(int, bucket);
    QCOMPARE(latency::bucketFor(micros), bucket);
}

void tst_LatencyBuckets::boundsContainTheirDurations()
{
    // Every duration from 8 µs up lies in [lower bound, next bucket's lower bound), and the
    // midpoint within 1/16 of it (the ~6% the monitor promises).
    for (qint64 micros = 8; micros < (qint64(1) << 30); micros = micros * 9 / 8 + 1) {
        const int b = latency::bucketFor(micros);
        const double ms = double(micros) / 1000.0;
        QVERIFY2(latency::lowerBoundMs(b) <= ms, qPrintable(QString::number(micros)));
        QVERIFY2(ms < latency::lowerBoundMs(b + 1), qPrintable(QString::number(micros)));
        QVERIFY(qAbs(latency::midpointMs(b) - ms) <= ms / 16 + 1e-9);
    }
}

void tst_LatencyBuckets::percentiles()
{
    latency::Counts counts{};
    QCOMPARE(latency::percentileMs(counts, 0.5), 0.0);
    counts[size_t(latency::bucketFor(100))] = 90;   // 90 requests near 100 µs
    counts[size_t(latency::bucketFor(50000))] = 10; // 10 near 50 ms
    QCOMPARE(latency::percentileMs(counts, 0.5), latency::midpointMs(latency::bucketFor(100)));
    QCOMPARE(latency::percentileMs(counts, 0.9), latency::midpointMs(latency::bucketFor(100)));
    QCOMPARE(latency::percentileMs(counts, 0.91), latency::midpointMs(latency::bucketFor(50000)));
    QCOMPARE(latency::percentileMs(counts, 1.0), latency::midpointMs(latency::bucketFor(50000)));
}

QTEST_GUILESS_MAIN(tst_LatencyBuckets)
#include "tst_latencybuckets.moc"
