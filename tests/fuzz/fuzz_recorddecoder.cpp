// libFuzzer target: RecordDecoder (feed/next) on arbitrary bytes.
// Invariants, each checked on every input:
//  - the records and the error match a plain whole-buffer reference parse of the same bytes;
//  - feeding the bytes in pieces (cut anywhere, next() drained after each) gives the same;
//  - bytes consumed by the records + pendingBytes() == bytes fed (when no error);
//  - an error is sticky: more bytes yield no record;
//  - the records re-encoded (encodeRawRecord) decode to the same records, with nothing left over.

#include "fuzzsupport.h"

#include "recorddecoder.h"
#include "recordencoder.h"

#include <QList>

using namespace afcgi;

namespace {

struct Decoded
{
    QList<Record> records;
    DecodeError error = DecodeError::None;
    qsizetype pending = 0;
};

bool sameRecords(const QList<Record> &a, const QList<Record> &b)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].type != b[i].type || a[i].requestId != b[i].requestId
            || a[i].content != b[i].content)
            return false;
    }
    return true;
}

// The FastCGI 1.0 record layout, read the obvious way: version, type, id (2), content length
// (2), padding length, reserved, content, padding.
Decoded referenceParse(QByteArrayView data)
{
    Decoded out;
    qsizetype pos = 0;
    while (data.size() - pos >= kHeaderLength) {
        const auto *h = reinterpret_cast<const quint8 *>(data.data() + pos);
        if (h[0] != kFcgiVersion1) {
            out.error = DecodeError::UnsupportedVersion;
            return out;
        }
        const qsizetype contentLength = h[4] * 256 + h[5];
        const qsizetype total = kHeaderLength + contentLength + h[6];
        if (data.size() - pos < total)
            break;
        Record r;
        r.type = h[1];
        r.requestId = quint16(h[2] * 256 + h[3]);
        r.content = data.sliced(pos + kHeaderLength, contentLength).toByteArray();
        out.records.append(r);
        pos += total;
    }
    out.pending = data.size() - pos;
    return out;
}

Decoded drain(RecordDecoder &decoder, Decoded out = {})
{
    while (auto record = decoder.next())
        out.records.append(std::move(*record));
    out.error = decoder.error();
    out.pending = decoder.pendingBytes();
    return out;
}

void checkSame(const Decoded &a, const Decoded &b)
{
    FUZZ_CHECK(a.error == b.error);
    FUZZ_CHECK(sameRecords(a.records, b.records));
    if (a.error == DecodeError::None)
        FUZZ_CHECK(a.pending == b.pending);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Decoded reference = referenceParse(bytes);

    // All at once.
    RecordDecoder whole;
    whole.feed(bytes);
    const Decoded atOnce = drain(whole);
    checkSame(atOnce, reference);

    // Sticky error; and on success, the bytes are accounted for.
    if (atOnce.error != DecodeError::None) {
        whole.feed(QByteArrayView("\x01\x06\x00\x01\x00\x00\x00\x00", 8));
        FUZZ_CHECK(!whole.next().has_value());
        FUZZ_CHECK(whole.error() == atOnce.error);
    } else {
        qsizetype consumed = atOnce.pending;
        for (const Record &r : atOnce.records)
            consumed += kHeaderLength + r.content.size();
        FUZZ_CHECK(consumed <= bytes.size()); // the rest is padding
    }

    // Cut anywhere, drained after every piece as a connection does.
    RecordDecoder pieces;
    Decoded incremental;
    for (fuzz::Splitter split(bytes); !split.atEnd();) {
        pieces.feed(split.nextPiece());
        incremental = drain(pieces, std::move(incremental));
    }
    incremental = drain(pieces, std::move(incremental));
    checkSame(incremental, reference);

    // Re-encoded, the records decode to themselves.
    QByteArray encoded;
    for (const Record &r : atOnce.records)
        encoded += encodeRawRecord(r.type, r.requestId, r.content);
    RecordDecoder again;
    again.feed(encoded);
    const Decoded roundTrip = drain(again);
    FUZZ_CHECK(roundTrip.error == DecodeError::None);
    FUZZ_CHECK(roundTrip.pending == 0);
    FUZZ_CHECK(sameRecords(roundTrip.records, atOnce.records));
    return 0;
}
