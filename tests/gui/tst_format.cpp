// The monitor's one formatting module: units, precision, digit grouping, plurals, axis labels.

#include "format.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTest>

using namespace afcgi::gui;

class tst_Format : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void init()
    {
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
    }
    void bytes_data();
    void bytes();
    void count_data();
    void count();
    void total();
    void quantity();
    void duration_data();
    void duration();
    void latency_data();
    void latency();
    void latencyAxis_data();
    void latencyAxis();
    void axisTime_data();
    void axisTime();
    void otherLocale();
};

void tst_Format::bytes_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0 B";
    QTest::newRow("999") << 999.0 << "999 B";
    QTest::newRow("fraction-rounds") << 12.6 << "13 B";
    QTest::newRow("1000-is-KiB") << 1000.0 << "0.98 KiB";
    QTest::newRow("1.5KiB") << 1536.0 << "1.5 KiB";
    QTest::newRow("12.3MiB") << 12.3 * 1024 * 1024 << "12.3 MiB";
    QTest::newRow("123MiB") << 123.4 * 1024 * 1024 << "123 MiB";
    QTest::newRow("1000MiB-is-GiB") << 1000.0 * 1024 * 1024 << "0.98 GiB";
    QTest::newRow("1023.9MiB") << 1023.9 * 1024 * 1024 << "1 GiB";
    QTest::newRow("exact-GiB") << 1024.0 * 1024 * 1024 << "1 GiB";
    QTest::newRow("2.5TiB") << 2.5 * 1024 * 1024 * 1024 * 1024 << "2.5 TiB";
}

void tst_Format::bytes()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(format::bytes(value), text);
    QCOMPARE(format::bytesPerSecond(value), text + QStringLiteral("/s"));
}

void tst_Format::count_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << "0";
    QTest::newRow("small-fraction") << 3.8314 << "3.83";
    QTest::newRow("half") << 0.5 << "0.5";
    QTest::newRow("12.5") << 12.5 << "12.5";
    QTest::newRow("200.8") << 200.8 << "201";
    QTest::newRow("999.4") << 999.4 << "999";
    QTest::newRow("999.7-is-k") << 999.7 << "1 k";
    QTest::newRow("12.3k") << 12345.0 << "12.3 k";
    QTest::newRow("169k") << 169000.0 << "169 k";
    QTest::newRow("1.41M") << 1.41e6 << "1.41 M";
}

void tst_Format::count()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(format::count(value), text);
    QCOMPARE(format::perSecond(value), text + QStringLiteral("/s"));
}

void tst_Format::total()
{
    QCOMPARE(format::total(0), QStringLiteral("0"));
    QCOMPARE(format::total(999), QStringLiteral("999"));
    QCOMPARE(format::total(1234567), QStringLiteral("1,234,567"));
    QCOMPARE(format::total(-1000), QStringLiteral("-1,000"));
}

void tst_Format::quantity()
{
    const QString one = QStringLiteral("connection"), many = QStringLiteral("connections");
    QCOMPARE(format::quantity(0, one, many), QStringLiteral("0 connections"));
    QCOMPARE(format::quantity(1, one, many), QStringLiteral("1 connection"));
    QCOMPARE(format::quantity(2, one, many), QStringLiteral("2 connections"));
    QCOMPARE(format::quantity(1024, one, many), QStringLiteral("1,024 connections"));
}

void tst_Format::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative") << qint64(-5) << "0 ms";
    QTest::newRow("850ms") << qint64(850) << "850 ms";
    QTest::newRow("12.3s") << qint64(12300) << "12.3 s";
    QTest::newRow("1s") << qint64(1000) << "1 s";
    QTest::newRow("100s") << qint64(100'000) << "1 min 40 s";
    QTest::newRow("4min05") << qint64(245'000) << "4 min 05 s";
    QTest::newRow("2h03") << qint64(2 * 3600'000 + 3 * 60'000) << "2 h 03 min";
    QTest::newRow("3d4h") << qint64(3 * 86400'000LL + 4 * 3600'000) << "3 d 4 h";
}

void tst_Format::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(format::duration(ms), text);
}

void tst_Format::latency_data()
{
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("1.06us") << 0.00106 << "1.06 µs";
    QTest::newRow("152us") << 0.152 << "152 µs";
    QTest::newRow("850us") << 0.85 << "850 µs";
    QTest::newRow("almost-1ms") << 0.9997 << "1 ms";
    QTest::newRow("1ms") << 1.0 << "1 ms";
    QTest::newRow("12.5ms") << 12.5 << "12.5 ms";
    QTest::newRow("1015.8ms") << 1015.808 << "1.02 s";
    QTest::newRow("32.5s") << 32500.0 << "32.5 s";
    QTest::newRow("2min05") << 125'000.0 << "2 min 05 s";
    QTest::newRow("nan") << qQNaN() << "–";
}

void tst_Format::latency()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(format::latency(ms), text);
}

void tst_Format::latencyAxis_data()
{
    // The decades of the latency chart's axis: one unit each, never "1 min 40 s".
    QTest::addColumn<double>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("1us") << 0.001 << "1 µs";
    QTest::newRow("100ms") << 100.0 << "100 ms";
    QTest::newRow("1s") << 1000.0 << "1 s";
    QTest::newRow("100s") << 100'000.0 << "100 s";
    QTest::newRow("1000s") << 1'000'000.0 << "17 min";
    QTest::newRow("10000s") << 10'000'000.0 << "2.78 h";
}

void tst_Format::latencyAxis()
{
    QFETCH(double, ms);
    QFETCH(QString, text);
    QCOMPARE(format::latencyAxis(ms), text);
}

void tst_Format::axisTime_data()
{
    QTest::addColumn<qint64>("spanMs");
    QTest::addColumn<qint64>("ago");
    QTest::addColumn<QString>("text");
    QTest::newRow("now") << qint64(60'000) << qint64(0) << "now";
    QTest::newRow("minute-axis-10s") << qint64(60'000) << qint64(10'000) << "−10 s";
    QTest::newRow("100s") << qint64(180'000) << qint64(100'000) << "−100 s";
    QTest::newRow("five-minutes-in-min") << qint64(300'000) << qint64(120'000) << "−2 min";
    QTest::newRow("17min") << qint64(1800'000) << qint64(17 * 60'000) << "−17 min";
    QTest::newRow("half-minute") << qint64(300'000) << qint64(90'000) << "−1.5 min";
    QTest::newRow("2h") << qint64(6 * 3600'000) << qint64(2 * 3600'000) << "−2 h";
}

void tst_Format::axisTime()
{
    QFETCH(qint64, spanMs);
    QFETCH(qint64, ago);
    QFETCH(QString, text);
    QCOMPARE(format::axisTime(ago, format::axisUnitFor(spanMs)), text);
}

void tst_Format::otherLocale()
{
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(format::total(1234567), QStringLiteral("1.234.567"));
    QCOMPARE(format::bytes(1536), QStringLiteral("1,5 KiB"));
    QCOMPARE(format::latency(12.5), QStringLiteral("12,5 ms"));
    QLocale::setDefault(QLocale::c());
}

QTEST_MAIN(tst_Format)
#include "tst_format.moc"
