// libFuzzer target: the small parsers of request input that a client controls byte for byte:
// UrlEncodedDecoder (query strings, form bodies), CookieParser (the Cookie header), and the
// header-value, Range and HTTP-date readers.
// Invariants, each checked on every input:
//  - the urlencoded decoder fed in pieces agrees with decodeAll() and with a plain reference
//    decoder (split on '&', the first '=' splits, '+' is a space, %XX a byte, any other '%'
//    fails the whole input); decoded fields written out again decode to themselves;
//  - the cookie parser fed in pieces agrees with parse(); every pair it keeps has a token for
//    a name and no control character or ';' in its value;
//  - a parsed header value has a non-empty value and lower-case parameter names;
//  - a Range resolved against any size lies within it;
//  - a parsed HTTP date formats and parses back to itself.

#include "fuzzsupport.h"

#include "web/byterange.h"
#include "web/cookieparser.h"
#include "web/headervalue.h"
#include "web/httpchars.h"
#include "web/httpdate.h"
#include "web/urlencodeddecoder.h"

#include <QUrl>

using namespace afcgi;

namespace {
std::optional<QList<FormField>> referenceDecode(QByteArrayView input)
{
    QList<FormField> fields;
    for (const QByteArray &piece : input.toByteArray().split('&')) {
        if (piece.isEmpty())
            continue;
        for (qsizetype i = 0; i < piece.size(); ++i) {
            if (piece[i] != '%')
                continue;
            if (i + 2 >= piece.size() || !isxdigit(quint8(piece[i + 1])) || !isxdigit(quint8(piece[i + 2])))
                return std::nullopt;
            i += 2;
        }
        const qsizetype equals = piece.indexOf('=');
        const auto decode = [](QByteArray part) {
            return QString::fromUtf8(QByteArray::fromPercentEncoding(part.replace('+', ' ')));
        };
        fields.append({decode(equals < 0 ? piece : piece.first(equals)), decode(equals < 0 ? QByteArray() : piece.sliced(equals + 1))});
    }
    return fields;
}

void checkUrlEncoded(QByteArrayView input)
{
    const std::optional<QList<FormField>> reference = referenceDecode(input);
    const std::optional<QList<FormField>> all = UrlEncodedDecoder::decodeAll(input);
    FUZZ_CHECK(all.has_value() == reference.has_value());
    if (all)
        FUZZ_CHECK(*all == *reference);

    UrlEncodedDecoder decoder(qMax<qsizetype>(input.size(), 1), input.size() + 1);
    QList<FormField> pieces;
    for (fuzz::Splitter split(input); !split.atEnd();) {
        decoder.feed(split.nextPiece());
        while (auto field = decoder.next())
            pieces.append(std::move(*field));
    }
    decoder.finish();
    while (auto field = decoder.next())
        pieces.append(std::move(*field));
    FUZZ_CHECK((decoder.error() == UrlEncodedError::None) == all.has_value());
    if (all) {
        FUZZ_CHECK(pieces == *all);
        QByteArray written;
        for (const FormField &field : *all)
            written += QUrl::toPercentEncoding(field.name) + '=' + QUrl::toPercentEncoding(field.value) + '&';
        const std::optional<QList<FormField>> again = UrlEncodedDecoder::decodeAll(written);
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == *all);
    }
}

void checkCookies(QByteArrayView input)
{
    const NameValueList whole = CookieParser::parse(input);
    CookieParser parser;
    for (fuzz::Splitter split(input); !split.atEnd();)
        parser.feed(split.nextPiece());
    parser.finish();
    FUZZ_CHECK(parser.pairs() == whole);
    for (const NameValue &pair : whole) {
        FUZZ_CHECK(http::isToken(pair.first));
        for (char c : pair.second)
            FUZZ_CHECK(c != ';' && (quint8(c) >= 0x20 || c == '\t') && quint8(c) != 0x7f);
    }
}

void checkFields(QByteArrayView input)
{
    if (const std::optional<HeaderValue> value = parseHeaderValue(input)) {
        FUZZ_CHECK(!value->value.isEmpty());
        for (const auto &param : value->params)
            FUZZ_CHECK(!param.first.isEmpty() && param.first == param.first.toLower());
    }
    const qint64 size = input.isEmpty() ? 0 : qint64(fuzz::hash(input) % 100000);
    ByteRange range;
    if (resolveRange(input, size, &range) == RangeOutcome::Partial)
        FUZZ_CHECK(range.first >= 0 && range.first <= range.last && range.last < size);
    if (const std::optional<QDateTime> date = parseHttpDate(input)) {
        FUZZ_CHECK(date->isValid());
        FUZZ_CHECK(parseHttpDate(formatHttpDate(*date)) == date);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    checkUrlEncoded(input);
    checkCookies(input);
    checkFields(input);
    return 0;
}
