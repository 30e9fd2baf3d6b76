// Cookies: CookieParser on Cookie headers fed whole, cut at every byte and one byte at a time;
// Cookie::toSetCookie() for every attribute and every refusal.
#include <afcgi/cookies.h>

#include "parsercuts.h"
#include "web/cookieparser.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

Q_DECLARE_METATYPE(afcgi::Cookie)

namespace {
QString describe(const NameValueList &pairs)
{
    QStringList out;
    for (const NameValue &p : pairs)
        out.append(QString::fromLatin1(p.first + '=' + p.second));
    return out.join(QLatin1Char('|'));
}

QString parseCut(QByteArrayView header, const QList<qsizetype> &cuts)
{
    CookieParser parser(16, 4); // small limits, so that the rows can reach them
    feedInPieces(header, cuts, [&](QByteArrayView piece) { parser.feed(piece); });
    parser.finish();
    return describe(parser.pairs());
}

Cookie make(QByteArray name, QByteArray value)
{
    Cookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    return c;
}
} // namespace

class tst_Cookies : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void parse_data();
    void parse();
    void splitAnywhere_data() { parse_data(); }
    void splitAnywhere();
    void oneByteAtATime_data() { parse_data(); }
    void oneByteAtATime();
    void setCookie_data();
    void setCookie();
};

void tst_Cookies::parse_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << "";
    QTest::newRow("one") << QByteArray("sid=abc") << "sid=abc";
    QTest::newRow("two-as-browsers-send") << QByteArray("a=1; b=2") << "a=1|b=2";
    QTest::newRow("no-space-after-semicolon") << QByteArray("a=1;b=2") << "a=1|b=2";
    QTest::newRow("spaces-and-tabs-trimmed") << QByteArray(" \ta = 1 \t;  b=2 ") << "a=1|b=2";
    QTest::newRow("repeated-name-kept-in-order") << QByteArray("a=1; a=2") << "a=1|a=2";
    QTest::newRow("quoted-value-unquoted") << QByteArray("a=\"x y\"") << "a=x y";
    QTest::newRow("lone-quote-kept") << QByteArray("a=\"x") << "a=\"x";
    QTest::newRow("empty-value") << QByteArray("a=; b=2") << "a=|b=2";
    QTest::newRow("equals-in-value") << QByteArray("a=b=c") << "a=b=c";
    QTest::newRow("no-equals-skipped") << QByteArray("junk; a=1") << "a=1";
    QTest::newRow("empty-name-skipped") << QByteArray("=x; a=1") << "a=1";
    QTest::newRow("bad-name-skipped") << QByteArray("a b=1; c=2") << "c=2";
    QTest::newRow("control-char-skipped") << QByteArray("a=x\x01y; c=2") << "c=2";
    QTest::newRow("empty-pairs-skipped") << QByteArray(";; a=1 ;;") << "a=1";
    QTest::newRow("case-sensitive-names") << QByteArray("A=1; a=2") << "A=1|a=2";
    QTest::newRow("too-long-pair-skipped-rest-kept") << QByteArray("a=1; long=0123456789abcdef; b=2") << "a=1|b=2";
    QTest::newRow("at-most-four-pairs") << QByteArray("a=1; b=2; c=3; d=4; e=5") << "a=1|b=2|c=3|d=4";
}

void tst_Cookies::parse()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    QCOMPARE(parseCut(header, {}), expected);
}

void tst_Cookies::splitAnywhere()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    for (qsizetype cut = 0; cut <= header.size(); ++cut)
        QVERIFY2(parseCut(header, {cut}) == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
}

void tst_Cookies::oneByteAtATime()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, expected);
    QCOMPARE(parseCut(header, everyByte(header.size())), expected);
}

void tst_Cookies::setCookie_data()
{
    QTest::addColumn<Cookie>("cookie");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("plain") << make("sid", "abc") << QByteArray("sid=abc");
    QTest::newRow("empty-value") << make("sid", {}) << QByteArray("sid=");
    Cookie all = make("sid", "abc");
    all.path = "/app";
    all.domain = "example.org";
    all.maxAge = 3600;
    all.expires = QDateTime(QDate(2030, 1, 2), QTime(3, 4, 5), Qt::UTC);
    all.secure = true;
    all.httpOnly = true;
    all.sameSite = SameSite::Strict;
    QTest::newRow("every-attribute")
        << all << QByteArray("sid=abc; Path=/app; Domain=example.org; Max-Age=3600; "
                             "Expires=Wed, 02 Jan 2030 03:04:05 GMT; Secure; HttpOnly; SameSite=Strict");
    Cookie lax = make("a", "1");
    lax.sameSite = SameSite::Lax;
    QTest::newRow("samesite-lax") << lax << QByteArray("a=1; SameSite=Lax");
    Cookie none = make("a", "1");
    none.sameSite = SameSite::None;
    none.secure = true;
    QTest::newRow("samesite-none-secure") << none << QByteArray("a=1; Secure; SameSite=None");
    Cookie gone = make("a", {});
    gone.maxAge = -5;
    QTest::newRow("negative-max-age-is-zero") << gone << QByteArray("a=; Max-Age=0");

    // Refused: nothing to send.
    none.secure = false;
    QTest::newRow("samesite-none-needs-secure") << none << QByteArray();
    QTest::newRow("empty-name") << make({}, "1") << QByteArray();
    QTest::newRow("space-in-name") << make("a b", "1") << QByteArray();
    QTest::newRow("equals-in-name") << make("a=b", "1") << QByteArray();
    QTest::newRow("space-in-value") << make("a", "x y") << QByteArray();
    QTest::newRow("semicolon-in-value") << make("a", "x;y") << QByteArray();
    QTest::newRow("comma-in-value") << make("a", "x,y") << QByteArray();
    QTest::newRow("quote-in-value") << make("a", "x\"y") << QByteArray();
    QTest::newRow("backslash-in-value") << make("a", "x\\y") << QByteArray();
    QTest::newRow("non-ascii-value") << make("a", "caf\xc3\xa9") << QByteArray();
    Cookie badPath = make("a", "1");
    badPath.path = "/x; Secure";
    QTest::newRow("semicolon-in-path") << badPath << QByteArray();
    Cookie badDomain = make("a", "1");
    badDomain.domain = "x\r\nSet-Cookie: evil=1";
    QTest::newRow("line-break-in-domain") << badDomain << QByteArray();
}

void tst_Cookies::setCookie()
{
    QFETCH(Cookie, cookie);
    QFETCH(QByteArray, expected);
    QCOMPARE(cookie.toSetCookie(), expected);
    // What the server sends, a browser's Cookie header gives back.
    if (!expected.isEmpty())
        QCOMPARE(CookieParser::parse(cookie.name + '=' + cookie.value),
                 (NameValueList{{cookie.name, cookie.value}}));
}

QTEST_GUILESS_MAIN(tst_Cookies)
#include "tst_cookies.moc"
