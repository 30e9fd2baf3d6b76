// The CGI header-block parser, fed whole, split at every byte, and one byte at a time: the same
// status, fields and body every way, and the body's bytes left untouched.
#include "handlers/cgi/cgiheaderparser.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

using Fields = QList<QPair<QByteArray, QByteArray>>;
using Mode = CgiHeaderParser::Mode;
using Error = CgiHeaderParser::Error;

Q_DECLARE_METATYPE(Mode)
Q_DECLARE_METATYPE(Error)

namespace {

struct Outcome
{
    bool complete = false;
    Error error = Error::None;
    int status = 0;
    QByteArray reason;
    Fields fields;
    QByteArray body; // every byte fed after the header block
    bool localRedirect = false;
};

// Feeds `pieces` in order, then the end of output when `finished`.
Outcome run(Mode mode, const QList<QByteArrayView> &pieces, bool finished = true)
{
    CgiHeaderParser parser(mode);
    Outcome out;
    for (QByteArrayView piece : pieces) {
        if (parser.isComplete()) {
            out.body += piece.toByteArray();
            continue;
        }
        const qsizetype used = parser.feed(piece);
        if (parser.isComplete())
            out.body += piece.sliced(used).toByteArray();
        else if (!parser.hasFailed() && used != piece.size())
            out.error = Error::TooLong; // a piece not all taken while incomplete: a parser bug
    }
    if (finished)
        parser.finish();
    out.complete = parser.isComplete();
    if (out.error == Error::None)
        out.error = parser.error();
    if (out.complete) {
        out.status = parser.status();
        out.reason = parser.reason();
        out.fields = parser.fields();
        out.localRedirect = parser.isLocalRedirect();
    }
    return out;
}

bool same(const Outcome &a, const Outcome &b)
{
    return a.complete == b.complete && a.error == b.error && a.status == b.status
           && a.reason == b.reason && a.fields == b.fields && a.body == b.body
           && a.localRedirect == b.localRedirect;
}

} // namespace

class tst_CgiHeaderParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void parse_data();
    void parse();
    void splitAnywhere_data() { parse_data(); }
    void splitAnywhere();
    void byteByByte_data() { parse_data(); }
    void byteByByte();
    void incompleteUntilFinished();
    void tooLong();
    void firstBytesForLog();
};

void tst_CgiHeaderParser::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_CgiHeaderParser::parse_data()
{
    QTest::addColumn<Mode>("mode");
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<Error>("error");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<Fields>("fields");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("localRedirect");

    const Mode cgi = Mode::Cgi;
    const Mode nph = Mode::Nph;
    const Fields text{{"Content-Type", "text/plain"}};
    QTest::newRow("lf") << cgi << QByteArray("Content-Type: text/plain\n\nhello\n") << Error::None
                        << 200 << QByteArray() << text << QByteArray("hello\n") << false;
    QTest::newRow("crlf") << cgi << QByteArray("Content-Type: text/plain\r\n\r\nhello") << Error::None
                          << 200 << QByteArray() << text << QByteArray("hello") << false;
    QTest::newRow("mixed-line-ends") << cgi << QByteArray("Content-Type: text/plain\r\nX-A: 1\n\r\nb")
                                     << Error::None << 200 << QByteArray()
                                     << Fields{{"Content-Type", "text/plain"}, {"X-A", "1"}} << QByteArray("b") << false;
    QTest::newRow("body-with-blank-lines") << cgi << QByteArray("Content-Type: a/b\n\n\n\nx: y\n\n")
                                           << Error::None << 200 << QByteArray() << Fields{{"Content-Type", "a/b"}}
                                           << QByteArray("\n\nx: y\n\n") << false;
    QTest::newRow("binary-body") << cgi << QByteArrayLiteral("Content-Type: a/b\n\n\0\r\n\xff") << Error::None
                                 << 200 << QByteArray() << Fields{{"Content-Type", "a/b"}}
                                 << QByteArrayLiteral("\0\r\n\xff") << false;
    QTest::newRow("status-with-reason") << cgi << QByteArray("Status: 404 Not Here\nContent-Type: text/html\n\n")
                                        << Error::None << 404 << QByteArray("Not Here")
                                        << Fields{{"Content-Type", "text/html"}} << QByteArray() << false;
    QTest::newRow("status-code-only") << cgi << QByteArray("Status: 204\n\n") << Error::None << 204
                                      << QByteArray() << Fields{} << QByteArray() << false;
    QTest::newRow("status-name-any-case") << cgi << QByteArray("sTaTuS: 500 Oops\n\n") << Error::None << 500
                                          << QByteArray("Oops") << Fields{} << QByteArray() << false;
    QTest::newRow("client-redirect") << cgi << QByteArray("Location: http://example.org/x\n\n") << Error::None
                                     << 302 << QByteArray() << Fields{{"Location", "http://example.org/x"}}
                                     << QByteArray() << false;
    QTest::newRow("local-redirect") << cgi << QByteArray("Location: /other?a=1\n\n") << Error::None << 302
                                    << QByteArray() << Fields{{"Location", "/other?a=1"}} << QByteArray() << true;
    QTest::newRow("local-path-with-status-is-not-local")
        << cgi << QByteArray("Status: 301 Moved\nLocation: /new\n\n") << Error::None << 301 << QByteArray("Moved")
        << Fields{{"Location", "/new"}} << QByteArray() << false;
    QTest::newRow("local-path-with-document-is-not-local")
        << cgi << QByteArray("Location: /new\nContent-Type: text/plain\n\nmoved") << Error::None << 302
        << QByteArray() << Fields{{"Location", "/new"}, {"Content-Type", "text/plain"}} << QByteArray("moved") << false;
    QTest::newRow("values-trimmed") << cgi << QByteArray("Content-Type:text/plain\nX-B: \t v  \t\n\n") << Error::None
                                    << 200 << QByteArray() << Fields{{"Content-Type", "text/plain"}, {"X-B", "v"}}
                                    << QByteArray() << false;
    QTest::newRow("value-with-colons") << cgi << QByteArray("Content-Type: a/b\nX-Time: 12:00:01\n\n") << Error::None
                                       << 200 << QByteArray()
                                       << Fields{{"Content-Type", "a/b"}, {"X-Time", "12:00:01"}} << QByteArray() << false;
    QTest::newRow("repeated-fields-kept") << cgi << QByteArray("Content-Type: a/b\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n")
                                          << Error::None << 200 << QByteArray()
                                          << Fields{{"Content-Type", "a/b"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}}
                                          << QByteArray() << false;
    QTest::newRow("empty-value") << cgi << QByteArray("Content-Type: a/b\nX-Empty:\n\n") << Error::None << 200
                                 << QByteArray() << Fields{{"Content-Type", "a/b"}, {"X-Empty", ""}} << QByteArray() << false;
    QTest::newRow("obs-fold-joined") << cgi << QByteArray("Content-Type: a/b\nX-Long: one\n  two\n\tthree\n\n")
                                     << Error::None << 200 << QByteArray()
                                     << Fields{{"Content-Type", "a/b"}, {"X-Long", "one two three"}} << QByteArray() << false;
    QTest::newRow("obs-text-in-value") << cgi << QByteArray("Content-Type: a/b\nX-U: caf\xc3\xa9\n\n") << Error::None
                                       << 200 << QByteArray() << Fields{{"Content-Type", "a/b"}, {"X-U", "caf\xc3\xa9"}}
                                       << QByteArray() << false;
    QTest::newRow("nph") << nph << QByteArray("HTTP/1.1 201 Made\r\nContent-Type: a/b\r\nConnection: close\r\n\r\nbody")
                         << Error::None << 201 << QByteArray("Made") << Fields{{"Content-Type", "a/b"}}
                         << QByteArray("body") << false;
    QTest::newRow("nph-http-1.0-no-fields") << nph << QByteArray("HTTP/1.0 200 OK\n\nx") << Error::None << 200
                                            << QByteArray("OK") << Fields{} << QByteArray("x") << false;
    QTest::newRow("nph-location-is-not-local") << nph << QByteArray("HTTP/1.1 302 Found\nLocation: /x\n\n") << Error::None
                                               << 302 << QByteArray("Found") << Fields{{"Location", "/x"}}
                                               << QByteArray() << false;

    const Fields none;
    const auto bad = [&](const char *name, Mode mode, const QByteArray &output, Error error) {
        QTest::newRow(name) << mode << output << error << 0 << QByteArray() << none << QByteArray() << false;
    };
    bad("no-header-at-all", cgi, "hello world\n\nmore", Error::NotAHeaderLine);
    bad("blank-first-line", cgi, "\nhello", Error::NoCgiField);
    bad("only-other-fields", cgi, "X-Powered-By: sh\n\nhi", Error::NoCgiField);
    bad("space-in-name", cgi, "Content Type: a/b\n\n", Error::BadFieldName);
    bad("space-before-colon", cgi, "Content-Type : a/b\n\n", Error::BadFieldName);
    bad("empty-name", cgi, ": a/b\n\n", Error::BadFieldName);
    bad("fold-first", cgi, " folded\n\n", Error::NotAHeaderLine);
    bad("nul-in-value", cgi, QByteArrayLiteral("Content-Type: a\0b\n\n"), Error::BadFieldValue);
    bad("cr-in-value", cgi, "Content-Type: a\rb\n\n", Error::BadFieldValue);
    bad("status-not-a-number", cgi, "Status: abc\n\n", Error::BadStatus);
    bad("status-four-digits", cgi, "Status: 2000 Big\n\n", Error::BadStatus);
    bad("status-below-100", cgi, "Status: 099 Low\n\n", Error::BadStatus);
    bad("status-above-599", cgi, "Status: 600 High\n\n", Error::BadStatus);
    bad("status-twice", cgi, "Status: 200\nStatus: 404\n\n", Error::DuplicateStatus);
    bad("truncated-no-blank-line", cgi, "Content-Type: text/plain\n", Error::Truncated);
    bad("truncated-mid-line", cgi, "Content-Type: te", Error::Truncated);
    bad("nothing-at-all", cgi, "", Error::Truncated);
    bad("nph-without-status-line", nph, "Content-Type: a/b\n\n", Error::BadStatusLine);
    bad("nph-bad-version", nph, "HTTP/x.1 200 OK\n\n", Error::BadStatusLine);
    bad("nph-chunked", nph, "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n", Error::ChunkedNph);
}

void tst_CgiHeaderParser::parse()
{
    QFETCH(Mode, mode);
    QFETCH(QByteArray, output);
    QFETCH(Error, error);
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QFETCH(Fields, fields);
    QFETCH(QByteArray, body);
    QFETCH(bool, localRedirect);

    const Outcome out = run(mode, {output});
    QCOMPARE(out.error, error);
    QCOMPARE(out.complete, error == Error::None);
    if (error != Error::None)
        return;
    QCOMPARE(out.status, status);
    QCOMPARE(out.reason, reason);
    QCOMPARE(out.fields, fields);
    QCOMPARE(out.body, body);
    QCOMPARE(out.localRedirect, localRedirect);
}

void tst_CgiHeaderParser::splitAnywhere()
{
    QFETCH(Mode, mode);
    QFETCH(QByteArray, output);
    const Outcome whole = run(mode, {output});
    for (qsizetype cut = 0; cut <= output.size(); ++cut) {
        const QByteArrayView view(output);
        const Outcome split = run(mode, {view.first(cut), view.sliced(cut)});
        QVERIFY2(same(split, whole), qPrintable(QStringLiteral("cut at %1").arg(cut)));
    }
}

void tst_CgiHeaderParser::byteByByte()
{
    QFETCH(Mode, mode);
    QFETCH(QByteArray, output);
    QList<QByteArrayView> bytes;
    for (qsizetype i = 0; i < output.size(); ++i)
        bytes.append(QByteArrayView(output).sliced(i, 1));
    QVERIFY(same(run(mode, bytes), run(mode, {output})));
}

void tst_CgiHeaderParser::incompleteUntilFinished()
{
    CgiHeaderParser parser;
    QCOMPARE(parser.feed("Content-Type: text/plain\n"), 25);
    QVERIFY(!parser.isComplete());
    QVERIFY(!parser.hasFailed());
    QCOMPARE(parser.feed("\nbody"), 1); // the blank line; "body" is the caller's
    QVERIFY(parser.isComplete());
    QCOMPARE(parser.feed("more"), 0);   // done: takes nothing more
    parser.finish();                    // the end after completion is no error
    QCOMPARE(parser.error(), Error::None);
}

void tst_CgiHeaderParser::tooLong()
{
    CgiHeaderParser parser(Mode::Cgi, 100);
    const QByteArray field = "X-Pad: " + QByteArray(80, 'a') + '\n'; // 88 bytes: fits
    QCOMPARE(parser.feed(field), field.size());
    QVERIFY(!parser.hasFailed());
    parser.feed("Content-Type: text/plain\n"); // 113: over
    QCOMPARE(parser.error(), Error::TooLong);

    // A line that never ends is caught as well, without waiting for its newline.
    CgiHeaderParser endless(Mode::Cgi, 100);
    for (int i = 0; i < 20 && !endless.hasFailed(); ++i)
        endless.feed(QByteArray(10, 'x'));
    QCOMPARE(endless.error(), Error::TooLong);
}

void tst_CgiHeaderParser::firstBytesForLog()
{
    CgiHeaderParser parser;
    parser.feed(QByteArray("Oops\r\n\x01\\") + QByteArray(100, 'z'));
    QCOMPARE(parser.error(), Error::NotAHeaderLine);
    const QByteArray logged = parser.firstBytesForLog();
    QVERIFY2(logged.startsWith("Oops\\r\\n\\x01\\\\zz"), logged.constData());
    QCOMPARE(logged.count('z'), CgiHeaderParser::kFirstBytesKept - 8);
}

QTEST_APPLESS_MAIN(tst_CgiHeaderParser)
#include "tst_cgiheaderparser.moc"
