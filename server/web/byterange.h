#pragma once

#include <QByteArrayView>

namespace afcgi {

// One range of bytes, first and last included.
struct ByteRange
{
    qint64 first = 0;
    qint64 last = -1;
    qint64 length() const { return last - first + 1; }
};

enum class RangeOutcome {
    Whole,         // no usable Range header: send everything (200)
    Partial,       // send `range` (206 with Content-Range)
    Unsatisfiable, // no byte of it exists (416 with Content-Range: bytes */size)
};

// Reads a Range header (RFC 9110, 14.2) against a representation of `size` bytes. One range
// is served: "bytes=0-499", "bytes=500-" (to the end), "bytes=-500" (the last 500); a last
// position past the end is clamped. A header that is malformed, names another unit, or asks
// for several ranges is ignored (Whole), as the RFC allows.
RangeOutcome resolveRange(QByteArrayView header, qint64 size, ByteRange *range);

} // namespace afcgi
