#include "recordencoder.h"

namespace afcgi {

namespace {

// Writes the 8 bytes of a record header at `header`.
void writeHeader(char *header, quint8 type, quint16 requestId, quint16 contentLength,
                 quint8 paddingLength)
{
    header[0] = char(kFcgiVersion1);
    header[1] = char(type);
    header[2] = char(requestId >> 8);
    header[3] = char(requestId & 0xff);
    header[4] = char(contentLength >> 8);
    header[5] = char(contentLength & 0xff);
    header[6] = char(paddingLength);
    header[7] = 0;
}

void appendHeader(QByteArray &out, quint8 type, quint16 requestId, quint16 contentLength,
                  quint8 paddingLength)
{
    char header[kHeaderLength];
    writeHeader(header, type, requestId, contentLength, paddingLength);
    out.append(header, kHeaderLength);
}

void writeEndRequestBody(char *body, quint32 appStatus, ProtocolStatus status)
{
    body[0] = char(appStatus >> 24);
    body[1] = char((appStatus >> 16) & 0xff);
    body[2] = char((appStatus >> 8) & 0xff);
    body[3] = char(appStatus & 0xff);
    body[4] = char(status);
    body[5] = body[6] = body[7] = 0;
}

quint8 paddingFor(qsizetype contentLength)
{
    // Pad to a multiple of 8 bytes, as the spec recommends for aligned reads on the peer.
    return quint8((8 - (contentLength % 8)) % 8);
}

void appendRawRecord(QByteArray &out, quint8 type, quint16 requestId, QByteArrayView content)
{
    constexpr qsizetype kChunk = kMaxContentLength;
    if (content.isEmpty()) {
        appendHeader(out, type, requestId, 0, 0);
        return;
    }
    out.reserve(out.size() + content.size() + (content.size() / kChunk + 1) * (kHeaderLength + 8));
    for (qsizetype offset = 0; offset < content.size(); offset += kChunk) {
        const QByteArrayView chunk = content.sliced(offset, qMin(kChunk, content.size() - offset));
        const quint8 padding = paddingFor(chunk.size());
        appendHeader(out, type, requestId, quint16(chunk.size()), padding);
        out.append(chunk.data(), chunk.size());
        out.append(padding, '\0');
    }
}

void appendLength(QByteArray &out, qsizetype length)
{
    if (length < 128) {
        out.append(char(length));
        return;
    }
    const quint32 l = quint32(length) | 0x80000000u;
    const char bytes[4] = { char(l >> 24), char((l >> 16) & 0xff), char((l >> 8) & 0xff),
                            char(l & 0xff) };
    out.append(bytes, 4);
}

} // namespace

void appendRecord(QByteArray &out, RecordType type, quint16 requestId, QByteArrayView content)
{
    appendRawRecord(out, quint8(type), requestId, content);
}

QByteArray encodeRecord(RecordType type, quint16 requestId, QByteArrayView content)
{
    QByteArray out;
    appendRawRecord(out, quint8(type), requestId, content);
    return out;
}

QByteArray encodeRawRecord(quint8 type, quint16 requestId, QByteArrayView content)
{
    QByteArray out;
    appendRawRecord(out, type, requestId, content);
    return out;
}

QByteArray encodeStreamEnd(RecordType type, quint16 requestId)
{
    return encodeRecord(type, requestId, {});
}

void appendEndRequest(QByteArray &out, quint16 requestId, quint32 appStatus, ProtocolStatus status)
{
    char body[8];
    writeEndRequestBody(body, appStatus, status);
    appendRawRecord(out, quint8(RecordType::EndRequest), requestId, QByteArrayView(body, 8));
}

EndOfResponse encodeEndOfResponse(quint16 requestId, quint32 appStatus, ProtocolStatus status,
                                  bool stderrUsed)
{
    EndOfResponse end;
    writeHeader(end.bytes, quint8(RecordType::Stdout), requestId, 0, 0);
    end.size = kHeaderLength;
    if (stderrUsed) {
        writeHeader(end.bytes + end.size, quint8(RecordType::Stderr), requestId, 0, 0);
        end.size += kHeaderLength;
    }
    writeHeader(end.bytes + end.size, quint8(RecordType::EndRequest), requestId, 8, 0);
    writeEndRequestBody(end.bytes + end.size + kHeaderLength, appStatus, status);
    end.size += kHeaderLength + 8;
    return end;
}

QByteArray encodeEndRequest(quint16 requestId, quint32 appStatus, ProtocolStatus status)
{
    QByteArray out;
    appendEndRequest(out, requestId, appStatus, status);
    return out;
}

QByteArray encodeUnknownType(quint8 unknownType)
{
    const char body[8] = { char(unknownType), 0, 0, 0, 0, 0, 0, 0 };
    return encodeRecord(RecordType::UnknownType, kNullRequestId, QByteArrayView(body, 8));
}

QByteArray encodeGetValuesResult(const NameValueList &values)
{
    return encodeRecord(RecordType::GetValuesResult, kNullRequestId, encodeNameValues(values));
}

QByteArray encodeBeginRequestRawRole(quint16 requestId, quint16 role, quint8 flags)
{
    const char body[8] = { char(role >> 8), char(role & 0xff), char(flags), 0, 0, 0, 0, 0 };
    return encodeRecord(RecordType::BeginRequest, requestId, QByteArrayView(body, 8));
}

QByteArray encodeBeginRequest(quint16 requestId, Role role, bool keepConn)
{
    return encodeBeginRequestRawRole(requestId, quint16(role), keepConn ? kKeepConn : 0);
}

QByteArray encodeAbortRequest(quint16 requestId)
{
    return encodeRecord(RecordType::AbortRequest, requestId, {});
}

QByteArray encodeGetValues(const QList<QByteArray> &names)
{
    QByteArray body;
    for (const QByteArray &name : names)
        appendNameValue(body, name, {});
    return encodeRecord(RecordType::GetValues, kNullRequestId, body);
}

void appendNameValue(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    appendLength(out, name.size());
    appendLength(out, value.size());
    out.append(name.data(), name.size());
    out.append(value.data(), value.size());
}

QByteArray encodeNameValues(const NameValueList &pairs)
{
    QByteArray out;
    for (const NameValue &pair : pairs)
        appendNameValue(out, pair.first, pair.second);
    return out;
}

} // namespace afcgi
