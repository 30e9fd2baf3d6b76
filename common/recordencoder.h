#pragma once
// Encoders for the records a FastCGI server (and our client) sends. Free functions: no state.

#include "protocol.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace afcgi {

// Appends `content` as one or more records of `type` (split at 65,535 bytes, each padded to a
// multiple of 8). Empty content appends one empty record: the end of a stream.
void appendRecord(QByteArray &out, RecordType type, quint16 requestId, QByteArrayView content);
QByteArray encodeRecord(RecordType type, quint16 requestId, QByteArrayView content);
// Same for a raw type byte (used to test how peers react to unknown types).
QByteArray encodeRawRecord(quint8 type, quint16 requestId, QByteArrayView content);

QByteArray encodeStreamEnd(RecordType type, quint16 requestId);
QByteArray encodeEndRequest(quint16 requestId, quint32 appStatus, ProtocolStatus status);
void appendEndRequest(QByteArray &out, quint16 requestId, quint32 appStatus, ProtocolStatus status);
QByteArray encodeUnknownType(quint8 unknownType);

// The records that end a response: the empty STDOUT, the empty STDERR when that stream was
// used, then END_REQUEST. Built in place, so ending a request allocates nothing.
struct EndOfResponse
{
    char bytes[3 * kHeaderLength + 8];
    qsizetype size = 0;
    QByteArrayView view() const { return QByteArrayView(bytes, size); }
};
EndOfResponse encodeEndOfResponse(quint16 requestId, quint32 appStatus, ProtocolStatus status,
                                  bool stderrUsed);
QByteArray encodeGetValuesResult(const NameValueList &values);

// Client side.
QByteArray encodeBeginRequest(quint16 requestId, Role role, bool keepConn);
QByteArray encodeBeginRequestRawRole(quint16 requestId, quint16 role, quint8 flags);
QByteArray encodeAbortRequest(quint16 requestId);
QByteArray encodeGetValues(const QList<QByteArray> &names);

// Name-value pairs: lengths below 128 take one byte, longer ones four with the top bit set.
void appendNameValue(QByteArray &out, QByteArrayView name, QByteArrayView value);
QByteArray encodeNameValues(const NameValueList &pairs);

} // namespace afcgi
