// libFuzzer target: MultipartParser (the multipart/form-data bodies of readMultipart()), with
// the boundary "XyZ123".
// Invariants, each checked on every input:
//  - fed whole, and fed in pieces (fuzz::Splitter), it yields the same parts (headers, and
//    content merged) and the same outcome; no event has empty data;
//  - it never holds much more than the piece it was just fed (bounded memory);
//  - events are well nested: PartBegin, PartData..., PartEnd, ..., then at most one End, last;
//    an error leaves no End, and no End leaves an error at finish();
//  - a body that parsed, written out again from its parts (the same boundary, canonical
//    header lines, no preamble or epilogue), parses to the same parts;
//  - with small limits taken from the input, a part's headers never exceed them.

#include "fuzzsupport.h"

#include "web/multipartparser.h"

#include <QList>

using namespace afcgi;

namespace {
const QByteArray kBoundary = QByteArrayLiteral("XyZ123");

struct Part
{
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray content;
    bool operator==(const Part &o) const { return headers == o.headers && content == o.content; }
};

struct Parsed
{
    QList<Part> parts;
    bool ended = false;
    MultipartError error = MultipartError::None;
};

class Collector
{
public:
    void drain(MultipartParser &parser)
    {
        while (auto event = parser.next()) {
            FUZZ_CHECK(!m_result.ended); // nothing after End
            switch (event->kind) {
            case MultipartEvent::Kind::PartBegin:
                FUZZ_CHECK(!m_open);
                m_open = true;
                m_result.parts.append({event->headers, {}});
                break;
            case MultipartEvent::Kind::PartData:
                FUZZ_CHECK(m_open);
                FUZZ_CHECK(!event->data.isEmpty());
                m_result.parts.last().content += event->data;
                break;
            case MultipartEvent::Kind::PartEnd:
                FUZZ_CHECK(m_open);
                m_open = false;
                break;
            case MultipartEvent::Kind::End:
                FUZZ_CHECK(!m_open);
                m_result.ended = true;
                break;
            }
        }
    }
    Parsed finish(MultipartParser &parser)
    {
        parser.finish();
        drain(parser);
        m_result.error = parser.error();
        FUZZ_CHECK(m_result.ended == (m_result.error == MultipartError::None));
        return m_result;
    }

private:
    Parsed m_result;
    bool m_open = false;
};

Parsed parseWhole(QByteArrayView body, MultipartParser::Limits limits)
{
    MultipartParser parser(kBoundary, limits);
    Collector collector;
    parser.feed(body);
    collector.drain(parser);
    return collector.finish(parser);
}

Parsed parseInPieces(QByteArrayView body, MultipartParser::Limits limits)
{
    MultipartParser parser(kBoundary, limits);
    Collector collector;
    for (fuzz::Splitter split(body); !split.atEnd();) {
        const QByteArrayView piece = split.nextPiece();
        parser.feed(piece);
        collector.drain(parser);
        // What is held back could still start a boundary, or is a header line still coming.
        FUZZ_CHECK(parser.bufferedBytes() <= piece.size() + limits.maxHeaderBytes + 300);
    }
    return collector.finish(parser);
}

QByteArray writeOut(const QList<Part> &parts)
{
    QByteArray body;
    for (const Part &part : parts) {
        body += "--" + kBoundary + "\r\n";
        for (const auto &header : part.headers)
            body += header.first + ": " + header.second + "\r\n";
        body += "\r\n" + part.content + "\r\n";
    }
    return body + "--" + kBoundary + "--\r\n";
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView body(reinterpret_cast<const char *>(data), qsizetype(size));
    const MultipartParser::Limits roomy;
    const Parsed whole = parseWhole(body, roomy);
    const Parsed pieces = parseInPieces(body, roomy);
    FUZZ_CHECK(whole.error == pieces.error);
    if (whole.error == MultipartError::None) {
        FUZZ_CHECK(whole.parts == pieces.parts);
        const Parsed again = parseWhole(writeOut(whole.parts), roomy);
        FUZZ_CHECK(again.error == MultipartError::None);
        FUZZ_CHECK(again.parts == whole.parts);
    }

    // Small limits from the input's last byte: no accepted header block is larger.
    MultipartParser::Limits tight;
    tight.maxHeaderBytes = body.isEmpty() ? 0 : quint8(body.back());
    tight.maxParts = body.isEmpty() ? 0 : quint8(body.back()) % 8;
    tight.maxPreambleBytes = body.isEmpty() ? 0 : quint8(body.front());
    const Parsed limited = parseInPieces(body, tight);
    FUZZ_CHECK(limited.parts.size() <= tight.maxParts);
    for (const Part &part : limited.parts) {
        qsizetype headerBytes = 0;
        for (const auto &header : part.headers)
            headerBytes += header.first.size() + header.second.size();
        FUZZ_CHECK(headerBytes <= tight.maxHeaderBytes);
    }
    return 0;
}
