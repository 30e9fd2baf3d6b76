// The scrolling chart: samples on the service's clock, gaps where no tick came, and a plot that
// is drawn in strips as time moves on yet looks as if it were drawn whole.

#include "throughputchart.h"

#include <QRegularExpression>
#include <QTest>

#include <cmath>

using namespace afcgi::gui;

namespace {
constexpr qint64 kT0 = 1700000000000;
constexpr int kTickMs = 250;

void setUp(ThroughputChart &chart)
{
    chart.addSeries(QStringLiteral("requests/s"), Qt::blue, ThroughputChart::Axis::Left,
                    ThroughputChart::Style::Filled);
    chart.addSeries(QStringLiteral("bytes/s"), Qt::darkGreen, ThroughputChart::Axis::Right);
    chart.addSeries(QStringLiteral("max"), Qt::red, ThroughputChart::Axis::Left, ThroughputChart::Style::Faint);
    chart.setSampleInterval(kTickMs);
    chart.setSpan(60'000);
    chart.resize(800, 260);
}

// A wavy load that stays within one scale (under 100 requests/s, under 100 KiB/s).
QList<double> wave(int i)
{
    const double v = 50 + 40 * std::sin(i / 7.0);
    return { v, v * 1000, i % 40 == 0 ? qQNaN() : v + 5 };
}

// Pixels that differ noticeably between two pictures of the same size.
int differingPixels(const QImage &a, const QImage &b)
{
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            const QColor p = a.pixelColor(x, y), q = b.pixelColor(x, y);
            if (qAbs(p.red() - q.red()) + qAbs(p.green() - q.green()) + qAbs(p.blue() - q.blue()) > 48)
                ++n;
        }
    }
    return n;
}
} // namespace

class tst_ThroughputChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
    }
    void samplesAndValues();
    void timeAxisIsTheServiceClock();
    void gapsSplitTheLine();
    void stripsLookLikeAWholeDrawing();
    void aTickDrawsOnlyAStrip();
};

void tst_ThroughputChart::samplesAndValues()
{
    ThroughputChart chart;
    setUp(chart);
    for (int i = 0; i < 500; ++i)
        chart.addSample(kT0 + i * kTickMs, { double(i), i * 1000.0 });
    QCOMPARE(chart.sampleCount(), 60'000 / kTickMs + 8); // a span's worth and a few more
    QCOMPARE(chart.lastValue(0), 499.0);
    QCOMPARE(chart.lastValue(1), 499000.0);
    QVERIFY(qIsNaN(chart.lastValue(2))); // a missing value is a gap
    QCOMPARE(chart.nowMs(), kT0 + 499 * kTickMs);
    const QImage image = chart.grab().toImage(); // paints, in the palette
    QCOMPARE(image.size(), QSize(800, 260) * chart.devicePixelRatio());
    QCOMPARE(image.pixelColor(2, 100), chart.palette().color(QPalette::Base));

    // A sample from an earlier clock (another service) starts the history again.
    chart.addSample(kT0, { 1, 2, 3 });
    QCOMPARE(chart.sampleCount(), 1);
    chart.clear();
    QCOMPARE(chart.sampleCount(), 0);
    chart.grab(); // an empty chart paints its placeholder
}

void tst_ThroughputChart::timeAxisIsTheServiceClock()
{
    ThroughputChart chart;
    setUp(chart);
    for (int i = 0; i < 40; ++i)
        chart.addSample(kT0 + i * kTickMs, wave(i));
    const qint64 last = kT0 + 39 * kTickMs;
    const double rightEdge = chart.xForTime(last);
    const double pxPerSecond = (rightEdge - chart.xForTime(last - 10'000)) / 10.0;
    // 40 s without a tick: the last sample is drawn 40 s back, not at the right edge.
    chart.advanceTo(last + 40'000);
    QVERIFY(pxPerSecond > 5);
    QVERIFY2(qAbs(chart.xForTime(last) - (rightEdge - 40 * pxPerSecond)) < 1.5,
             qPrintable(QStringLiteral("%1 vs %2").arg(chart.xForTime(last)).arg(rightEdge - 40 * pxPerSecond)));
    chart.grab();
    // Time never goes back by advancing.
    chart.advanceTo(last);
    QCOMPARE(chart.nowMs(), last + 40'000);
}

void tst_ThroughputChart::gapsSplitTheLine()
{
    ThroughputChart chart;
    setUp(chart);
    for (int i = 0; i < 20; ++i)
        chart.addSample(kT0 + i * kTickMs, { 10, 10, 10 });
    QCOMPARE(chart.segmentCount(0), 1);
    // Ticks a little late are still joined; ten seconds without one are a gap.
    chart.addSample(kT0 + 19 * kTickMs + 400, { 10, 10, 10 });
    QCOMPARE(chart.segmentCount(0), 1);
    chart.addSample(kT0 + 30'000, { 10, 10, 10 });
    chart.addSample(kT0 + 30'250, { 10, 10, 10 });
    QCOMPARE(chart.segmentCount(0), 2);
    chart.addSample(kT0 + 30'500, { qQNaN(), 10, 10 });
    chart.addSample(kT0 + 30'750, { 10, 10, 10 });
    QCOMPARE(chart.segmentCount(0), 3);
    QCOMPARE(chart.segmentCount(1), 2);
}

void tst_ThroughputChart::stripsLookLikeAWholeDrawing()
{
    ThroughputChart incremental;
    setUp(incremental);
    incremental.show();
    QVERIFY(QTest::qWaitForWindowExposed(&incremental));
    for (int i = 0; i < 300; ++i) {
        incremental.addSample(kT0 + i * kTickMs, wave(i));
        if (i > 100 && i < 110)
            continue; // a few ticks not painted: the strip then covers them all
        incremental.grab();
    }
    ThroughputChart whole;
    setUp(whole);
    for (int i = 0; i < 300; ++i)
        whole.addSample(kT0 + i * kTickMs, wave(i));
    const QImage a = incremental.grab().toImage();
    const QImage b = whole.grab().toImage();
    QCOMPARE(a.size(), b.size());
    // Anti-aliased edges may round a little differently where strips meet; nothing more.
    const int differing = differingPixels(a, b);
    if (qEnvironmentVariableIsSet("AFCGI_CHART_DUMP")) {
        a.save(QStringLiteral("/tmp/chart-incremental.png"));
        b.save(QStringLiteral("/tmp/chart-whole.png"));
    }
    QVERIFY2(differing < a.width() * a.height() / 5000, qPrintable(QString::number(differing)));
}

void tst_ThroughputChart::aTickDrawsOnlyAStrip()
{
    // Five minutes of history at 1600 px: once drawn, a tick costs a strip, not the history.
    ThroughputChart chart;
    setUp(chart);
    chart.setSpan(300'000);
    chart.resize(1600, 400);
    for (int i = 0; i < 1200; ++i)
        chart.addSample(kT0 + i * kTickMs, wave(i));
    chart.grab();
    const int full = chart.canvas().fullRenders();
    for (int i = 1200; i < 1400; ++i) {
        chart.addSample(kT0 + i * kTickMs, wave(i));
        chart.grab();
    }
    QCOMPARE(chart.canvas().fullRenders(), full);
    QVERIFY(chart.canvas().stripRenders() >= 200);
    // A new scale redraws everything, once.
    chart.addSample(kT0 + 1400 * kTickMs, { 5000, 1, 1 });
    chart.grab();
    QCOMPARE(chart.canvas().fullRenders(), full + 1);
}

QTEST_MAIN(tst_ThroughputChart)
#include "tst_throughputchart.moc"
