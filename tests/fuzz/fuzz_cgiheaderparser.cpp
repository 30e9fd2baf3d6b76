// libFuzzer target: CgiHeaderParser, the CGI bridge's parser of a program's header block.
// The first byte picks the mode (CGI or nph-) and a size limit; the rest is the program's output.
// Invariants, each checked on every input:
//  - feed() never takes more than it is given, takes everything while the block is incomplete,
//    and nothing once it is complete or has failed;
//  - the output fed whole and fed in pieces (cut by the input itself) gives the same outcome:
//    the same error, status, reason, fields, local-redirect verdict and the same body bytes;
//  - a complete block has a status from 100 to 599, field names that are tokens, values
//    without CR, LF or NUL, and never a Status field among the fields;
//  - the block never exceeds the limit, and finish() after the end of output always leaves it
//    complete or failed.

#include "fuzzsupport.h"

#include "handlers/cgi/cgiheaderparser.h"

using namespace afcgi;

namespace {

struct Outcome
{
    bool complete = false;
    CgiHeaderParser::Error error = CgiHeaderParser::Error::None;
    int status = 0;
    QByteArray reason;
    QList<CgiHeaderParser::Field> fields;
    bool localRedirect = false;
    QByteArray body;
    qsizetype headerBytes = 0;
};

Outcome parse(CgiHeaderParser::Mode mode, qsizetype limit, QByteArrayView output, bool split)
{
    CgiHeaderParser parser(mode, limit);
    Outcome out;
    fuzz::Splitter splitter(output);
    qsizetype at = 0;
    while (at < output.size()) {
        const QByteArrayView piece = split ? splitter.nextPiece() : output;
        if (!split)
            at = output.size();
        else
            at += piece.size();
        if (parser.isComplete() || parser.hasFailed()) {
            FUZZ_CHECK(parser.feed(piece) == 0);
            if (parser.isComplete())
                out.body += piece.toByteArray();
            continue;
        }
        const qsizetype used = parser.feed(piece);
        FUZZ_CHECK(used >= 0 && used <= piece.size());
        out.headerBytes += used;
        if (parser.isComplete())
            out.body += piece.sliced(used).toByteArray();
        else if (!parser.hasFailed())
            FUZZ_CHECK(used == piece.size());
    }
    parser.finish();
    FUZZ_CHECK(parser.isComplete() || parser.hasFailed());
    FUZZ_CHECK(parser.isComplete() == (parser.error() == CgiHeaderParser::Error::None));
    out.complete = parser.isComplete();
    out.error = parser.error();
    if (out.complete) {
        out.status = parser.status();
        out.reason = parser.reason();
        out.fields = parser.fields();
        out.localRedirect = parser.isLocalRedirect();
    }
    return out;
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const quint8 control = quint8(input.front());
    const auto mode = (control & 1) ? CgiHeaderParser::Mode::Nph : CgiHeaderParser::Mode::Cgi;
    const qsizetype limit = (control & 2) ? 64 : CgiHeaderParser::kDefaultMaxBytes;
    const QByteArrayView output = input.sliced(1);

    const Outcome whole = parse(mode, limit, output, false);
    const Outcome pieces = parse(mode, limit, output, true);
    FUZZ_CHECK(whole.complete == pieces.complete);
    FUZZ_CHECK(whole.error == pieces.error);
    FUZZ_CHECK(whole.status == pieces.status && whole.reason == pieces.reason);
    FUZZ_CHECK(whole.fields == pieces.fields && whole.localRedirect == pieces.localRedirect);
    FUZZ_CHECK(whole.body == pieces.body);
    if (!whole.complete)
        return 0;
    FUZZ_CHECK(whole.headerBytes <= limit);
    FUZZ_CHECK(whole.headerBytes + whole.body.size() == output.size());
    FUZZ_CHECK(whole.status >= 100 && whole.status <= 599);
    for (const CgiHeaderParser::Field &field : whole.fields) {
        FUZZ_CHECK(!field.first.isEmpty());
        for (char c : field.first)
            FUZZ_CHECK(isTokenChar(c));
        FUZZ_CHECK(field.first.compare("Status", Qt::CaseInsensitive) != 0);
        FUZZ_CHECK(!field.second.contains('\r') && !field.second.contains('\n') && !field.second.contains('\0'));
    }
    return 0;
}
