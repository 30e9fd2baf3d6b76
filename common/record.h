#pragma once

#include "protocol.h"

#include <QByteArray>

namespace afcgi {

// One decoded record. The type stays a raw byte: an unknown management type must survive
// decoding so that the server can answer it with UNKNOWN_TYPE.
struct Record
{
    quint8 type = 0;
    quint16 requestId = 0;
    QByteArray content;

    RecordType recordType() const { return static_cast<RecordType>(type); }
    bool isManagement() const { return requestId == kNullRequestId; }
};

} // namespace afcgi
