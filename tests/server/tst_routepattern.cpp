// RoutePatternParser: route patterns fed whole, cut at every position, and one character at a
// time; every prefix of a pattern either parses or fails cleanly.
#include "parsercuts.h"
#include "web/routepattern.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

Q_DECLARE_METATYPE(afcgi::RoutePatternError)

namespace {
// "L:notes I:id P:name R:path", or the error's name.
QString describe(const std::optional<RouteSegments> &segments, RoutePatternError error)
{
    if (!segments)
        return QStringLiteral("error: ") + QLatin1String(toString(error));
    QStringList parts;
    for (const RouteSegment &segment : *segments) {
        const char *kind = segment.kind == RouteSegmentKind::Literal ? "L"
            : segment.kind == RouteSegmentKind::Param                ? "P"
            : segment.kind == RouteSegmentKind::IntParam             ? "I"
                                                                     : "R";
        parts.append(QLatin1String(kind) + QLatin1Char(':') + segment.text);
    }
    return parts.join(QLatin1Char(' '));
}

QString parseInPieces(QStringView pattern, const QList<qsizetype> &cuts)
{
    RoutePatternParser parser;
    feedInPieces(pattern, cuts, [&](QStringView piece) { parser.feed(piece); });
    const auto segments = parser.finish();
    return describe(segments, parser.error());
}
} // namespace

class tst_RoutePattern : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void parse_data();
    void parse();
    void splitAnywhere_data() { parse_data(); }
    void splitAnywhere();
    void oneCharacterAtATime_data() { parse_data(); }
    void oneCharacterAtATime();
    void everyPrefixParsesOrFails_data() { parse_data(); }
    void everyPrefixParsesOrFails();
    void canonicalText_data();
    void canonicalText();
    void tooManyParams();
};

void tst_RoutePattern::parse_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("expected");

    QTest::newRow("root") << "/" << "";
    QTest::newRow("one-literal") << "/notes" << "L:notes";
    QTest::newRow("trailing-slash-ignored") << "/notes/" << "L:notes";
    QTest::newRow("two-literals") << "/api/v1" << "L:api L:v1";
    QTest::newRow("param") << "/notes/{id}" << "L:notes P:id";
    QTest::newRow("int-param") << "/notes/{id:int}" << "L:notes I:id";
    QTest::newRow("rest") << "/files/{path*}" << "L:files R:path";
    QTest::newRow("rest-alone") << "/{all*}" << "R:all";
    QTest::newRow("params-between-literals")
        << "/users/{user}/notes/{id:int}/raw" << "L:users P:user L:notes I:id L:raw";
    QTest::newRow("underscore-and-digits-in-name") << "/{_a1}" << "P:_a1";
    QTest::newRow("literal-with-dots-and-dashes") << "/a.b-c~d" << "L:a.b-c~d";
    QTest::newRow("literal-utf16") << "/caf\u00e9/\u65e5\u672c" << "L:caf\u00e9 L:\u65e5\u672c";
    QTest::newRow("literal-with-colon-and-star") << "/a:b*" << "L:a:b*";

    QTest::newRow("empty") << "" << "error: a pattern starts with '/'";
    QTest::newRow("relative") << "notes" << "error: a pattern starts with '/'";
    QTest::newRow("double-slash") << "/a//b" << "error: empty segment";
    QTest::newRow("only-slashes") << "//" << "error: empty segment";
    QTest::newRow("empty-name") << "/{}" << "error: bad parameter name";
    QTest::newRow("name-starts-with-digit") << "/{1a}" << "error: bad parameter name";
    QTest::newRow("name-with-dash") << "/{a-b}" << "error: bad parameter name";
    QTest::newRow("unknown-type") << "/{id:float}" << "error: unknown parameter type (known: int)";
    QTest::newRow("empty-type") << "/{id:}" << "error: unknown parameter type (known: int)";
    QTest::newRow("unclosed") << "/{id" << "error: unclosed '{'";
    QTest::newRow("unclosed-type") << "/{id:int" << "error: unclosed '{'";
    QTest::newRow("unclosed-rest") << "/{p*" << "error: unclosed '{'";
    QTest::newRow("text-before-param") << "/a{id}" << "error: a segment is either text or one {parameter}";
    QTest::newRow("text-after-param") << "/{id}.json" << "error: a segment is either text or one {parameter}";
    QTest::newRow("two-params-in-a-segment") << "/{a}{b}" << "error: a segment is either text or one {parameter}";
    QTest::newRow("stray-close") << "/a}" << "error: a segment is either text or one {parameter}";
    QTest::newRow("stray-close-first") << "/}" << "error: a segment is either text or one {parameter}";
    QTest::newRow("rest-not-last") << "/{p*}/x" << "error: {name*} must be the last segment";
    QTest::newRow("rest-trailing-slash") << "/{p*}/" << "error: {name*} must be the last segment";
    QTest::newRow("star-then-junk") << "/{p*x}" << "error: bad parameter name";
    QTest::newRow("duplicate-name") << "/{id}/{id:int}" << "error: parameter name used twice";
    QTest::newRow("duplicate-rest-name") << "/{id}/{id*}" << "error: parameter name used twice";
}

void tst_RoutePattern::parse()
{
    QFETCH(QString, pattern);
    QFETCH(QString, expected);
    RoutePatternError error = RoutePatternError::None;
    const auto segments = RoutePatternParser::parse(pattern, &error);
    QCOMPARE(describe(segments, error), expected);
    QCOMPARE(segments.has_value(), error == RoutePatternError::None);
}

void tst_RoutePattern::splitAnywhere()
{
    QFETCH(QString, pattern);
    QFETCH(QString, expected);
    for (qsizetype cut = 0; cut <= pattern.size(); ++cut)
        QVERIFY2(parseInPieces(pattern, {cut}) == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
}

void tst_RoutePattern::oneCharacterAtATime()
{
    QFETCH(QString, pattern);
    QFETCH(QString, expected);
    QCOMPARE(parseInPieces(pattern, everyByte(pattern.size())), expected);
}

void tst_RoutePattern::everyPrefixParsesOrFails()
{
    // A pattern cut short (by a typo, say) is either a shorter valid pattern or an error: a cut
    // inside braces is always an error.
    QFETCH(QString, pattern);
    for (qsizetype length = 0; length <= pattern.size(); ++length) {
        const QStringView prefix = QStringView(pattern).first(length);
        RoutePatternError error = RoutePatternError::None;
        const auto segments = RoutePatternParser::parse(prefix, &error);
        QCOMPARE(segments.has_value(), error == RoutePatternError::None);
        const bool insideBraces = prefix.count(QLatin1Char('{')) > prefix.count(QLatin1Char('}'));
        if (insideBraces)
            QVERIFY2(!segments, qPrintable(prefix.toString()));
    }
}

void tst_RoutePattern::canonicalText_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("root") << "/" << "/";
    QTest::newRow("trailing-slash-dropped") << "/notes/" << "/notes";
    QTest::newRow("all-kinds") << "/a/{b}/{c:int}/{d*}" << "/a/{b}/{c:int}/{d*}";
}

void tst_RoutePattern::canonicalText()
{
    QFETCH(QString, pattern);
    QFETCH(QString, canonical);
    const auto segments = RoutePatternParser::parse(pattern);
    QVERIFY(segments);
    QCOMPARE(RoutePatternParser::toString(*segments), canonical);
    // The canonical text parses to the same segments.
    QCOMPARE(RoutePatternParser::parse(canonical), segments);
}

void tst_RoutePattern::tooManyParams()
{
    QString pattern;
    for (int i = 0; i < kMaxRouteParams; ++i)
        pattern += QStringLiteral("/{p%1}").arg(i);
    QVERIFY(RoutePatternParser::parse(pattern));
    RoutePatternError error = RoutePatternError::None;
    QVERIFY(!RoutePatternParser::parse(pattern + QStringLiteral("/{one_more}"), &error));
    QCOMPARE(error, RoutePatternError::TooManyParams);
}

QTEST_GUILESS_MAIN(tst_RoutePattern)
#include "tst_routepattern.moc"
