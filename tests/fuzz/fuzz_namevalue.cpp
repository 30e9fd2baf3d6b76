// libFuzzer target: NameValueDecoder (feed/next/finish), NameValueDecoder::decodeAll, and the
// encoded-block readers the server keeps a request's PARAMS in (isWellFormedNameValues,
// ParamBlock).
// Invariants, each checked on every input:
//  - decodeAll() agrees with a plain reference parse (1-byte lengths below 128, else 4 bytes
//    with the top bit set; any byte left over or missing fails the whole block);
//  - the incremental decoder fed the same bytes in pieces yields the same pairs, or an error;
//  - with a small limit, no pair it yields is larger than the limit, and what it yields before
//    stopping is a prefix of the reference's pairs;
//  - pairs re-encoded (encodeNameValues) decode to the same pairs, in no more bytes;
//  - isWellFormedNameValues() agrees with the reference, and a well-formed block read as a
//    ParamBlock lists the same pairs and finds each name's first value.

#include "fuzzsupport.h"

#include "namevaluedecoder.h"
#include "paramblock.h"
#include "recordencoder.h"

#include <QSet>

using namespace afcgi;

namespace {

bool readLength(QByteArrayView data, qsizetype &pos, qsizetype &length)
{
    if (pos >= data.size())
        return false;
    const auto *p = reinterpret_cast<const quint8 *>(data.data() + pos);
    if (p[0] < 0x80) {
        length = p[0];
        pos += 1;
        return true;
    }
    if (data.size() - pos < 4)
        return false;
    length = (qsizetype(p[0] & 0x7f) << 24) | (qsizetype(p[1]) << 16) | (qsizetype(p[2]) << 8) | p[3];
    pos += 4;
    return true;
}

std::optional<NameValueList> referenceParse(QByteArrayView data)
{
    NameValueList pairs;
    qsizetype pos = 0;
    while (pos < data.size()) {
        qsizetype nameLength = 0, valueLength = 0;
        if (!readLength(data, pos, nameLength) || !readLength(data, pos, valueLength))
            return std::nullopt;
        if (data.size() - pos < nameLength + valueLength)
            return std::nullopt;
        pairs.append({data.sliced(pos, nameLength).toByteArray(),
                      data.sliced(pos + nameLength, valueLength).toByteArray()});
        pos += nameLength + valueLength;
    }
    return pairs;
}

bool isPrefix(const NameValueList &prefix, const NameValueList &of)
{
    if (prefix.size() > of.size())
        return false;
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        if (prefix[i] != of[i])
            return false;
    }
    return true;
}

// Feeds `bytes` in pieces, draining next() after each, then finish().
NameValueList decodeInPieces(NameValueDecoder &decoder, QByteArrayView bytes)
{
    NameValueList pairs;
    for (fuzz::Splitter split(bytes); !split.atEnd();) {
        decoder.feed(split.nextPiece());
        while (auto pair = decoder.next())
            pairs.append(std::move(*pair));
    }
    decoder.finish();
    FUZZ_CHECK(!decoder.next().has_value()); // nothing after finish()
    return pairs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<NameValueList> reference = referenceParse(bytes);
    const std::optional<NameValueList> all = NameValueDecoder::decodeAll(bytes);
    FUZZ_CHECK(all.has_value() == reference.has_value());
    if (all)
        FUZZ_CHECK(*all == *reference);

    // Incremental, with a limit every well-formed pair of this input fits in.
    NameValueDecoder roomy(qMax<qsizetype>(bytes.size(), 1));
    const NameValueList pieces = decodeInPieces(roomy, bytes);
    if (reference) {
        FUZZ_CHECK(roomy.error() == NameValueError::None);
        FUZZ_CHECK(pieces == *reference);
    } else {
        FUZZ_CHECK(roomy.error() != NameValueError::None);
    }

    // Incremental, with a small limit taken from the input (0..255 bytes per pair).
    const qsizetype limit = bytes.isEmpty() ? 0 : quint8(bytes.back());
    NameValueDecoder tight(limit);
    const NameValueList limited = decodeInPieces(tight, bytes);
    for (const NameValue &pair : limited)
        FUZZ_CHECK(pair.first.size() + pair.second.size() <= limit);
    if (reference) {
        FUZZ_CHECK(isPrefix(limited, *reference));
        if (tight.error() == NameValueError::None)
            FUZZ_CHECK(limited == *reference);
        else
            FUZZ_CHECK(tight.error() == NameValueError::TooLarge);
    }

    // The server's own reader of a whole PARAMS block.
    FUZZ_CHECK(isWellFormedNameValues(bytes) == reference.has_value());
    if (reference) {
        const ParamBlock block(bytes.toByteArray());
        FUZZ_CHECK(block.toList() == *reference);
        // Each lookup scans the block: the first 64 names are enough to check it.
        QSet<QByteArray> seen;
        for (qsizetype i = 0; i < qMin<qsizetype>(reference->size(), 64); ++i) {
            const NameValue &pair = reference->at(i);
            FUZZ_CHECK(block.contains(pair.first));
            if (!seen.contains(pair.first)) // the first pair with a name is the one found
                FUZZ_CHECK(block.view(pair.first) == pair.second);
            seen.insert(pair.first);
        }
    }

    // Re-encoded (shortest lengths), the pairs decode to themselves.
    if (all) {
        const QByteArray encoded = encodeNameValues(*all);
        FUZZ_CHECK(encoded.size() <= bytes.size());
        const std::optional<NameValueList> again = NameValueDecoder::decodeAll(encoded);
        FUZZ_CHECK(again.has_value());
        FUZZ_CHECK(*again == *all);
    }
    return 0;
}
