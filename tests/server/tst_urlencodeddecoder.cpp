// UrlEncodedDecoder (query strings and form bodies): fed whole, cut at every byte, and one
// byte at a time; errors, limits, and Form's lookups.
#include <afcgi/form.h>

#include "parsercuts.h"
#include "web/urlencodeddecoder.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

namespace {
// "name=value|name=value", or "error: <reason>".
QString describe(const QList<FormField> &fields, UrlEncodedError error)
{
    if (error != UrlEncodedError::None)
        return QStringLiteral("error: ") + QLatin1String(toString(error));
    QStringList out;
    for (const FormField &f : fields)
        out.append(f.name + QLatin1Char('=') + f.value);
    return out.join(QLatin1Char('|'));
}

QString decodeCut(QByteArrayView input, const QList<qsizetype> &cuts, qsizetype maxField = 1024,
                  qsizetype maxFields = 100)
{
    UrlEncodedDecoder decoder(maxField, maxFields);
    QList<FormField> fields;
    feedInPieces(input, cuts, [&](QByteArrayView piece) {
        decoder.feed(piece);
        while (auto f = decoder.next())
            fields.append(*f);
    });
    decoder.finish();
    while (auto f = decoder.next())
        fields.append(*f);
    return describe(fields, decoder.error());
}
} // namespace

class tst_UrlEncodedDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void decode_data();
    void decode();
    void splitAnywhere_data() { decode_data(); }
    void splitAnywhere();
    void oneByteAtATime_data() { decode_data(); }
    void oneByteAtATime();
    void limits_data();
    void limits();
    void errorIsSticky();
    void formLookups();
    void formParse();
};

void tst_UrlEncodedDecoder::decode_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << "";
    QTest::newRow("one") << QByteArray("a=1") << "a=1";
    QTest::newRow("two") << QByteArray("a=1&b=2") << "a=1|b=2";
    QTest::newRow("repeated-keys-kept-in-order") << QByteArray("tag=x&n=1&tag=y") << "tag=x|n=1|tag=y";
    QTest::newRow("plus-is-space") << QByteArray("q=a+b") << "q=a b";
    QTest::newRow("encoded-plus") << QByteArray("q=a%2Bb") << "q=a+b";
    QTest::newRow("percent-escapes") << QByteArray("q=%41%62%3d%26") << "q=Ab=&";
    QTest::newRow("lower-case-hex") << QByteArray("q=%2f%2F") << "q=//";
    QTest::newRow("escapes-in-name") << QByteArray("a%20b=c") << "a b=c";
    QTest::newRow("utf8") << QByteArray("name=caf%C3%A9") << "name=caf\u00e9";
    QTest::newRow("raw-utf8") << QByteArray("name=caf\xc3\xa9") << "name=caf\u00e9";
    QTest::newRow("invalid-utf8-replaced") << QByteArray("x=%FF") << "x=\ufffd";
    QTest::newRow("no-equals-is-empty-value") << QByteArray("flag&a=1") << "flag=|a=1";
    QTest::newRow("empty-value") << QByteArray("a=&b=") << "a=|b=";
    QTest::newRow("empty-name") << QByteArray("=v") << "=v";
    QTest::newRow("second-equals-in-value") << QByteArray("a=b=c") << "a=b=c";
    QTest::newRow("empty-pieces-skipped") << QByteArray("&&a=1&&&b=2&") << "a=1|b=2";
    QTest::newRow("semicolon-is-data") << QByteArray("a=1;b=2") << "a=1;b=2";
    QTest::newRow("nul-byte-escaped") << QByteArray("a=%00") << QString(QStringLiteral("a=") + QChar(0));

    QTest::newRow("bad-escape-letters") << QByteArray("a=%zz") << "error: bad percent escape";
    QTest::newRow("bad-escape-second") << QByteArray("a=%4g") << "error: bad percent escape";
    QTest::newRow("escape-cut-at-end") << QByteArray("a=%4") << "error: bad percent escape";
    QTest::newRow("lone-percent-at-end") << QByteArray("a=%") << "error: bad percent escape";
    QTest::newRow("percent-before-ampersand") << QByteArray("a=%&b=1") << "error: bad percent escape";
    QTest::newRow("bad-escape-in-name") << QByteArray("%x=1") << "error: bad percent escape";
    QTest::newRow("bad-escape-after-good-fields") << QByteArray("a=1&b=2&c=%%") << "error: bad percent escape";
}

void tst_UrlEncodedDecoder::decode()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    UrlEncodedError error = UrlEncodedError::None;
    const auto fields = UrlEncodedDecoder::decodeAll(input, &error);
    QCOMPARE(describe(fields.value_or(QList<FormField>()), error), expected);
    QCOMPARE(fields.has_value(), error == UrlEncodedError::None);
}

void tst_UrlEncodedDecoder::splitAnywhere()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    for (qsizetype cut = 0; cut <= input.size(); ++cut)
        QVERIFY2(decodeCut(input, {cut}) == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
}

void tst_UrlEncodedDecoder::oneByteAtATime()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QCOMPARE(decodeCut(input, everyByte(input.size())), expected);
}

void tst_UrlEncodedDecoder::limits_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("maxField");
    QTest::addColumn<int>("maxFields");
    QTest::addColumn<QString>("expected");
    QTest::newRow("field-at-the-limit") << QByteArray("ab=cd&x=1") << 5 << 10 << "ab=cd|x=1";
    QTest::newRow("field-over-the-limit") << QByteArray("ab=cde&x=1") << 5 << 10 << "error: field too large";
    QTest::newRow("escape-counts-encoded") << QByteArray("a=%41%41") << 6 << 10 << "error: field too large";
    QTest::newRow("fields-at-the-limit") << QByteArray("a&b&c") << 5 << 3 << "a=|b=|c=";
    QTest::newRow("one-field-too-many") << QByteArray("a&b&c&d") << 5 << 3 << "error: too many fields";
    QTest::newRow("empty-pieces-do-not-count") << QByteArray("a&&&&b") << 5 << 2 << "a=|b=";
}

void tst_UrlEncodedDecoder::limits()
{
    QFETCH(QByteArray, input);
    QFETCH(int, maxField);
    QFETCH(int, maxFields);
    QFETCH(QString, expected);
    QCOMPARE(decodeCut(input, {}, maxField, maxFields), expected);
    QCOMPARE(decodeCut(input, everyByte(input.size()), maxField, maxFields), expected);
}

void tst_UrlEncodedDecoder::errorIsSticky()
{
    UrlEncodedDecoder decoder;
    decoder.feed("a=1&b=%zz");
    QCOMPARE(decoder.error(), UrlEncodedError::BadEscape);
    QVERIFY(!decoder.next()); // fields before the error are not handed out after it
    decoder.feed("&c=3");
    decoder.finish();
    QVERIFY(!decoder.next());
    QCOMPARE(decoder.error(), UrlEncodedError::BadEscape);
}

void tst_UrlEncodedDecoder::formLookups()
{
    const Form form = *Form::parse("tag=a&n=1&tag=b&empty=");
    QCOMPARE(form.value(u"n"), QStringLiteral("1"));
    QCOMPARE(form.value(u"tag"), QStringLiteral("a"));
    QCOMPARE(form.values(u"tag"), (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(form.value(u"missing", QStringLiteral("default")), QStringLiteral("default"));
    QVERIFY(form.contains(u"empty"));
    QCOMPARE(form.value(u"empty", QStringLiteral("default")), QString());
    QVERIFY(!form.contains(u"missing"));
    QCOMPARE(form.fields().size(), 4);
}

void tst_UrlEncodedDecoder::formParse()
{
    QString error;
    QVERIFY(!Form::parse("a=%G0", &error));
    QCOMPARE(error, QStringLiteral("bad percent escape"));
    QVERIFY(Form::parse("")->isEmpty());
}

QTEST_GUILESS_MAIN(tst_UrlEncodedDecoder)
#include "tst_urlencodeddecoder.moc"
