// MultipartParser: bodies fed whole, cut at every byte and one byte at a time; malformed and
// truncated bodies; limits; memory that stays at about one piece.
#include "parsercuts.h"
#include "web/multipartparser.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

Q_DECLARE_METATYPE(afcgi::MultipartError)

namespace {
const QByteArray kBoundary = QByteArrayLiteral("XyZ123");

// A part: its header lines, then its content.
QByteArray part(const QByteArray &headers, const QByteArray &content)
{
    return "--" + kBoundary + "\r\n" + headers + "\r\n" + content + "\r\n";
}
QByteArray closing()
{
    return "--" + kBoundary + "--\r\n";
}
QByteArray field(const QByteArray &name, const QByteArray &value)
{
    return part("Content-Disposition: form-data; name=\"" + name + "\"\r\n", value);
}

// Every event, the data of a part merged: "begin[h=v,...] data(...) end ... END", or the error.
struct Outcome
{
    QString events;
    MultipartError error = MultipartError::None;
    qsizetype maxBuffered = 0;
};

Outcome parseCut(QByteArrayView body, const QList<qsizetype> &cuts, MultipartParser::Limits limits = {})
{
    MultipartParser parser(kBoundary, limits);
    QStringList events;
    QByteArray data;
    Outcome out;
    const auto drain = [&] {
        while (auto e = parser.next()) {
            switch (e->kind) {
            case MultipartEvent::Kind::PartBegin: {
                QStringList headers;
                for (const auto &h : e->headers)
                    headers.append(QString::fromLatin1(h.first + '=' + h.second));
                events.append(QStringLiteral("begin[%1]").arg(headers.join(QLatin1Char(','))));
                break;
            }
            case MultipartEvent::Kind::PartData:
                QVERIFY(!e->data.isEmpty());
                data += e->data;
                break;
            case MultipartEvent::Kind::PartEnd:
                events.append(QStringLiteral("data(%1) end").arg(QString::fromLatin1(data)));
                data.clear();
                break;
            case MultipartEvent::Kind::End:
                events.append(QStringLiteral("END"));
                break;
            }
        }
        out.maxBuffered = qMax(out.maxBuffered, parser.bufferedBytes());
    };
    feedInPieces(body, cuts, [&](QByteArrayView piece) {
        parser.feed(piece);
        drain();
    });
    parser.finish();
    drain();
    out.error = parser.error();
    out.events = out.error == MultipartError::None ? events.join(QLatin1Char(' '))
                                                   : QStringLiteral("error: ") + QLatin1String(toString(out.error));
    return out;
}
} // namespace

class tst_MultipartParser : public QObject
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
    void limits_data();
    void limits();
    void largePartStreamsInBoundedMemory();
    void errorIsSticky();
};

void tst_MultipartParser::parse_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");

    const QString cd = QStringLiteral("Content-Disposition=form-data; name=\"%1\"");
    QTest::newRow("one-field") << field("a", "1") + closing() << QStringLiteral("begin[%1] data(1) end END").arg(cd.arg("a"));
    QTest::newRow("two-fields") << field("a", "1") + field("b", "two") + closing()
                                << QStringLiteral("begin[%1] data(1) end begin[%2] data(two) end END")
                                       .arg(cd.arg("a"), cd.arg("b"));
    QTest::newRow("empty-content") << field("a", {}) + closing() << QStringLiteral("begin[%1] data() end END").arg(cd.arg("a"));
    QTest::newRow("file-with-two-headers")
        << part("Content-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n",
                "line 1\r\nline 2\r\n")
            + closing()
        << "begin[Content-Disposition=form-data; name=\"f\"; filename=\"a.txt\",Content-Type=text/plain] "
           "data(line 1\r\nline 2\r\n) end END";
    QTest::newRow("no-headers") << part({}, "x") + closing() << "begin[] data(x) end END";
    QTest::newRow("content-like-a-boundary")
        << field("a", "--" + kBoundary + "x\r\n-" + kBoundary + "\r\n--XyZ12") + closing()
        << QStringLiteral("begin[%1] data(--XyZ123x\r\n-XyZ123\r\n--XyZ12) end END").arg(cd.arg("a"));
    QTest::newRow("crlf-boundary-prefix-in-content")
        << field("a", "\r\n--XyZ12\r\n-") + closing()
        << QStringLiteral("begin[%1] data(\r\n--XyZ12\r\n-) end END").arg(cd.arg("a"));
    QTest::newRow("preamble-and-epilogue")
        << "This is a preamble.\r\n" + field("a", "1") + closing() + "epilogue --XyZ123 junk"
        << QStringLiteral("begin[%1] data(1) end END").arg(cd.arg("a"));
    QTest::newRow("closing-without-line-end") << field("a", "1") + "--" + kBoundary + "--"
                                              << QStringLiteral("begin[%1] data(1) end END").arg(cd.arg("a"));
    QTest::newRow("padding-after-boundary")
        << "--" + kBoundary + " \t\r\nX: y\r\n\r\nv\r\n" + closing() << "begin[X=y] data(v) end END";
    QTest::newRow("header-whitespace-trimmed") << part("Name  :   value  \r\n", "v") + closing()
                                               << "begin[Name=value] data(v) end END";
    QTest::newRow("folded-header") << part("A: one\r\n two\r\n", "v") + closing() << "begin[A=one two] data(v) end END";
    QTest::newRow("folded-header-blank-continuation") << part("A: one\r\n \t\r\n", "v") + closing()
                                                      << "begin[A=one] data(v) end END";
    QTest::newRow("folded-header-empty-value") << part("A:\r\n two\r\n", "v") + closing()
                                               << "begin[A=two] data(v) end END";
    QTest::newRow("binary-content")
        << field("b", QByteArray("\0\r\n\xff-\r", 6)) + closing()
        << QStringLiteral("begin[%1] data(%2) end END").arg(cd.arg("b"), QString::fromLatin1(QByteArray("\0\r\n\xff-\r", 6)));
    QTest::newRow("no-parts") << closing() << "END";

    QTest::newRow("empty-body") << QByteArray() << "error: body ends before the closing boundary";
    QTest::newRow("no-closing-boundary") << field("a", "1") << "error: body ends before the closing boundary";
    QTest::newRow("cut-in-content") << field("a", "123").chopped(4) << "error: body ends before the closing boundary";
    QTest::newRow("cut-in-headers") << QByteArray("--XyZ123\r\nContent-Dispo") << "error: body ends before the closing boundary";
    QTest::newRow("boundary-never-comes") << QByteArray(1000, 'x') << "error: body ends before the closing boundary";
    QTest::newRow("junk-after-boundary") << QByteArray("--XyZ123junk\r\n\r\nv\r\n") + closing()
                                         << "error: a boundary followed by neither \"--\" nor a line end";
    QTest::newRow("header-without-colon") << part("no colon here\r\n", "v") + closing() << "error: malformed part header";
    QTest::newRow("header-with-empty-name") << part(": v\r\n", "v") + closing() << "error: malformed part header";
    QTest::newRow("fold-without-header") << part(" folded\r\n", "v") + closing() << "error: malformed part header";
}

void tst_MultipartParser::parse()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(parseCut(body, {}).events, expected);
}

void tst_MultipartParser::splitAnywhere()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    for (qsizetype cut = 0; cut <= body.size(); ++cut)
        QVERIFY2(parseCut(body, {cut}).events == expected, qPrintable(QStringLiteral("cut at %1").arg(cut)));
}

void tst_MultipartParser::oneByteAtATime()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    QCOMPARE(parseCut(body, everyByte(body.size())).events, expected);
}

void tst_MultipartParser::limits_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<MultipartError>("error");
    MultipartParser::Limits limits;
    const QByteArray bigHeader = part("X: " + QByteArray(limits.maxHeaderBytes, 'h') + "\r\n", "v") + closing();
    QTest::newRow("headers-too-large") << bigHeader << MultipartError::HeadersTooLarge;
    QTest::newRow("header-line-never-ends") << "--" + kBoundary + "\r\nX: " + QByteArray(limits.maxHeaderBytes + 10, 'h')
                                            << MultipartError::HeadersTooLarge;
    QTest::newRow("preamble-too-long") << QByteArray(limits.maxPreambleBytes + 100, 'p') + field("a", "1") + closing()
                                       << MultipartError::NoBoundary;
    QTest::newRow("padding-too-long") << "--" + kBoundary + QByteArray(300, ' ') + "\r\n\r\nv\r\n" + closing()
                                      << MultipartError::BadDelimiter;
    QByteArray many;
    for (qsizetype i = 0; i <= limits.maxParts; ++i)
        many += field("f", "v");
    QTest::newRow("too-many-parts") << many + closing() << MultipartError::TooManyParts;
}

void tst_MultipartParser::limits()
{
    QFETCH(QByteArray, body);
    QFETCH(MultipartError, error);
    QCOMPARE(parseCut(body, {}).error, error);
    QCOMPARE(parseCut(body, {body.size() / 3, body.size() / 2}).error, error);
}

void tst_MultipartParser::largePartStreamsInBoundedMemory()
{
    // 4 MiB of content in 16 KiB pieces: the parser never holds much more than a piece.
    QByteArray content(4 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < content.size(); ++i)
        content[i] = char("-\r\nXyZ123ab"[i % 11]);
    const QByteArray body = field("big", content) + closing();
    QList<qsizetype> cuts;
    for (qsizetype at = 16 * 1024; at < body.size(); at += 16 * 1024)
        cuts.append(at);
    MultipartParser parser(kBoundary);
    QByteArray got;
    qsizetype maxBuffered = 0;
    feedInPieces(QByteArrayView(body), cuts, [&](QByteArrayView piece) {
        parser.feed(piece);
        while (auto e = parser.next()) {
            if (e->kind == MultipartEvent::Kind::PartData)
                got += e->data;
        }
        maxBuffered = qMax(maxBuffered, parser.bufferedBytes());
    });
    parser.finish();
    QCOMPARE(parser.error(), MultipartError::None);
    QCOMPARE(got.size(), content.size());
    QVERIFY(got == content);
    QVERIFY2(maxBuffered < 1024, qPrintable(QString::number(maxBuffered)));
}

void tst_MultipartParser::errorIsSticky()
{
    MultipartParser parser(kBoundary);
    parser.feed("--XyZ123junk");
    QCOMPARE(parser.error(), MultipartError::BadDelimiter);
    parser.feed("\r\n\r\nv\r\n" + closing());
    parser.finish();
    QVERIFY(!parser.next());
    QCOMPARE(parser.error(), MultipartError::BadDelimiter);
}

QTEST_GUILESS_MAIN(tst_MultipartParser)
#include "tst_multipartparser.moc"
