// The small HTTP field parsers: header values with parameters (Content-Type,
// Content-Disposition), HTTP dates, and Range.
#include "web/byterange.h"
#include "web/headervalue.h"
#include "web/httpdate.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

class tst_HttpFields : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void headerValue_data();
    void headerValue();
    void headerValueEveryPrefix_data() { headerValue_data(); }
    void headerValueEveryPrefix();
    void parseDate_data();
    void parseDate();
    void formatDate();
    void range_data();
    void range();
};

void tst_HttpFields::headerValue_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected"); // "value|name=value|...", or "invalid"

    QTest::newRow("bare") << QByteArray("text/plain") << "text/plain";
    QTest::newRow("token-param") << QByteArray("text/plain; charset=utf-8") << "text/plain|charset=utf-8";
    QTest::newRow("quoted-param") << QByteArray("multipart/form-data; boundary=\"a b;c\"")
                                  << "multipart/form-data|boundary=a b;c";
    QTest::newRow("escaped-quote") << QByteArray("form-data; name=\"a\\\"b\\\\c\"") << "form-data|name=a\"b\\c";
    QTest::newRow("names-lower-cased") << QByteArray("form-data; NAME=x; FileName=\"y\"") << "form-data|name=x|filename=y";
    QTest::newRow("spaces-everywhere") << QByteArray("  form-data ;  name = \"x\" ; filename=y  ")
                                       << "form-data|name=x|filename=y";
    QTest::newRow("no-space-after-semicolon") << QByteArray("a;b=1;c=2") << "a|b=1|c=2";
    QTest::newRow("trailing-semicolon") << QByteArray("a; b=1;") << "a|b=1";
    QTest::newRow("empty-quoted") << QByteArray("form-data; filename=\"\"") << "form-data|filename=";
    QTest::newRow("utf8-in-quotes") << QByteArray("form-data; filename=\"caf\xc3\xa9.txt\"")
                                    << QString::fromUtf8("form-data|filename=caf\xc3\xa9.txt");

    QTest::newRow("empty") << QByteArray() << "invalid";
    QTest::newRow("only-params") << QByteArray("; a=1") << "invalid";
    QTest::newRow("param-without-equals") << QByteArray("a; b") << "invalid";
    QTest::newRow("param-without-name") << QByteArray("a; =1") << "invalid";
    QTest::newRow("unterminated-quote") << QByteArray("a; b=\"xyz") << "invalid";
    QTest::newRow("text-after-quote") << QByteArray("a; b=\"x\"y") << "invalid";
}

namespace {
QString describe(const std::optional<HeaderValue> &value)
{
    if (!value)
        return QStringLiteral("invalid");
    QStringList parts{QString::fromUtf8(value->value)};
    for (const auto &p : value->params)
        parts.append(QString::fromUtf8(p.first + '=' + p.second));
    return parts.join(QLatin1Char('|'));
}
} // namespace

void tst_HttpFields::headerValue()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QCOMPARE(describe(parseHeaderValue(text)), expected);
}

void tst_HttpFields::headerValueEveryPrefix()
{
    // A value cut anywhere parses to something or to nothing, never out of bounds.
    QFETCH(QByteArray, text);
    for (qsizetype n = 0; n <= text.size(); ++n) {
        const std::optional<HeaderValue> value = parseHeaderValue(QByteArrayView(text).first(n));
        if (value)
            QVERIFY(!value->value.isEmpty());
    }
}

void tst_HttpFields::parseDate_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("expected"); // invalid: not a date

    const QDateTime rfc(QDate(1994, 11, 6), QTime(8, 49, 37), Qt::UTC);
    QTest::newRow("imf-fixdate") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << rfc;
    QTest::newRow("rfc850") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << rfc;
    QTest::newRow("asctime") << QByteArray("Sun Nov  6 08:49:37 1994") << rfc;
    QTest::newRow("asctime-two-digit-day") << QByteArray("Thu Nov 16 08:49:37 1994")
                                           << QDateTime(QDate(1994, 11, 16), QTime(8, 49, 37), Qt::UTC);
    QTest::newRow("leap-day") << QByteArray("Thu, 29 Feb 2024 00:00:00 GMT")
                              << QDateTime(QDate(2024, 2, 29), QTime(0, 0), Qt::UTC);
    QTest::newRow("empty") << QByteArray() << QDateTime();
    QTest::newRow("not-gmt") << QByteArray("Sun, 06 Nov 1994 08:49:37 PST") << QDateTime();
    QTest::newRow("bad-month") << QByteArray("Sun, 06 Foo 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("impossible-day") << QByteArray("Sun, 31 Feb 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("bad-time") << QByteArray("Sun, 06 Nov 1994 25:49:37 GMT") << QDateTime();
    QTest::newRow("one-digit-day-in-fixdate") << QByteArray("Sun, 6 Nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("lower-case-names") << QByteArray("sun, 06 nov 1994 08:49:37 GMT") << QDateTime();
    QTest::newRow("iso") << QByteArray("1994-11-06T08:49:37Z") << QDateTime();
}

void tst_HttpFields::parseDate()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, expected);
    const std::optional<QDateTime> parsed = parseHttpDate(text);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed)
        QCOMPARE(*parsed, expected);
}

void tst_HttpFields::formatDate()
{
    const QDateTime t(QDate(1994, 11, 6), QTime(8, 49, 37), Qt::UTC);
    QCOMPARE(formatHttpDate(t), QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
    // Another zone is given in GMT.
    QCOMPARE(formatHttpDate(t.toOffsetFromUtc(3600)), QByteArray("Sun, 06 Nov 1994 08:49:37 GMT"));
    QCOMPARE(parseHttpDate(formatHttpDate(t)), t);
}

void tst_HttpFields::range_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QString>("expected"); // "whole", "none", or "first-last"

    QTest::newRow("first-bytes") << QByteArray("bytes=0-499") << qint64(1000) << "0-499";
    QTest::newRow("middle") << QByteArray("bytes=500-599") << qint64(1000) << "500-599";
    QTest::newRow("open-ended") << QByteArray("bytes=900-") << qint64(1000) << "900-999";
    QTest::newRow("suffix") << QByteArray("bytes=-100") << qint64(1000) << "900-999";
    QTest::newRow("suffix-longer-than-file") << QByteArray("bytes=-5000") << qint64(1000) << "0-999";
    QTest::newRow("last-clamped") << QByteArray("bytes=10-5000") << qint64(1000) << "10-999";
    QTest::newRow("single-byte") << QByteArray("bytes=0-0") << qint64(1000) << "0-0";
    QTest::newRow("spaces") << QByteArray(" bytes= 1 - 2 ") << qint64(1000) << "1-2";
    QTest::newRow("first-past-end") << QByteArray("bytes=1000-") << qint64(1000) << "none";
    QTest::newRow("zero-suffix") << QByteArray("bytes=-0") << qint64(1000) << "none";
    QTest::newRow("empty-file") << QByteArray("bytes=0-") << qint64(0) << "none";
    QTest::newRow("no-header") << QByteArray() << qint64(1000) << "whole";
    QTest::newRow("other-unit") << QByteArray("items=0-1") << qint64(1000) << "whole";
    QTest::newRow("several-ranges") << QByteArray("bytes=0-1,5-6") << qint64(1000) << "whole";
    QTest::newRow("reversed") << QByteArray("bytes=5-1") << qint64(1000) << "whole";
    QTest::newRow("garbage") << QByteArray("bytes=a-b") << qint64(1000) << "whole";
    QTest::newRow("no-dash") << QByteArray("bytes=5") << qint64(1000) << "whole";
    QTest::newRow("negative") << QByteArray("bytes=-") << qint64(1000) << "whole";
    QTest::newRow("huge-number") << QByteArray("bytes=0-99999999999999999999") << qint64(1000) << "whole";
}

void tst_HttpFields::range()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, size);
    QFETCH(QString, expected);
    ByteRange r;
    switch (resolveRange(header, size, &r)) {
    case RangeOutcome::Whole: QCOMPARE(QStringLiteral("whole"), expected); break;
    case RangeOutcome::Unsatisfiable: QCOMPARE(QStringLiteral("none"), expected); break;
    case RangeOutcome::Partial: QCOMPARE(QStringLiteral("%1-%2").arg(r.first).arg(r.last), expected); break;
    }
}

QTEST_GUILESS_MAIN(tst_HttpFields)
#include "tst_httpfields.moc"
