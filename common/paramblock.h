#pragma once

#include "recordencoder.h"

#include <QByteArray>
#include <QByteArrayView>

namespace afcgi {

// Reads the pair at `pos` of an encoded name-value block and advances `pos`. Returns false at
// the end of the block or when the pair is malformed (a length running past the data).
// The views point into `block`: nothing is copied.
bool readNameValue(QByteArrayView block, qsizetype &pos, QByteArrayView *name, QByteArrayView *value);
// True when the whole block is a sequence of complete pairs.
bool isWellFormedNameValues(QByteArrayView block);

// The CGI parameters of one request, kept as the web server encoded them: one allocation for
// the whole set instead of two per pair (a pending request costs ~1 KB less), and a lookup
// scans a few dozen short pairs, which is cheaper than building a hash for them.
class ParamBlock
{
public:
    ParamBlock() = default;
    // `encoded` must be well-formed (isWellFormedNameValues).
    explicit ParamBlock(QByteArray encoded) : m_encoded(std::move(encoded)) {}

    QByteArrayView view(QByteArrayView name) const; // valid while this block lives; empty if absent
    QByteArray value(QByteArrayView name) const { return view(name).toByteArray(); }
    bool contains(QByteArrayView name) const;
    NameValueList toList() const;
    const QByteArray &encoded() const { return m_encoded; }

private:
    QByteArray m_encoded;
};

} // namespace afcgi
