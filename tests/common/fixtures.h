#pragma once
// Wire-byte builders for the byte-level tests. Written independently of the encoders under test
// (explicit padding, explicit length bytes) so that the two can check each other.

#include "protocol.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace fixtures {

// One record with exactly the given padding (no splitting, no automatic padding).
inline QByteArray makeRecord(quint8 type, quint16 requestId, QByteArrayView content,
                             quint8 padding = 0, quint8 version = afcgi::kFcgiVersion1)
{
    Q_ASSERT(content.size() <= afcgi::kMaxContentLength);
    QByteArray out;
    out.append(char(version));
    out.append(char(type));
    out.append(char(requestId >> 8));
    out.append(char(requestId & 0xff));
    out.append(char(content.size() >> 8));
    out.append(char(content.size() & 0xff));
    out.append(char(padding));
    out.append('\0');
    out.append(content.data(), content.size());
    out.append(QByteArray(padding, '\xAA')); // non-zero padding: it must be skipped, not read
    return out;
}

inline QByteArray makeRecord(afcgi::RecordType type, quint16 requestId, QByteArrayView content,
                             quint8 padding = 0)
{
    return makeRecord(quint8(type), requestId, content, padding);
}

inline QByteArray lengthBytes(quint32 length, bool forceLong = false)
{
    if (length < 128 && !forceLong)
        return QByteArray(1, char(length));
    const quint32 l = length | 0x80000000u;
    QByteArray out;
    out.append(char(l >> 24));
    out.append(char((l >> 16) & 0xff));
    out.append(char((l >> 8) & 0xff));
    out.append(char(l & 0xff));
    return out;
}

inline QByteArray nameValue(QByteArrayView name, QByteArrayView value)
{
    return lengthBytes(quint32(name.size())) + lengthBytes(quint32(value.size()))
        + name.toByteArray() + value.toByteArray();
}

inline QByteArray beginBody(quint16 role = quint16(afcgi::Role::Responder), quint8 flags = 0)
{
    const char body[8] = { char(role >> 8), char(role & 0xff), char(flags), 0, 0, 0, 0, 0 };
    return QByteArray(body, 8);
}

inline QByteArray beginRecord(quint16 requestId, quint16 role = 1, quint8 flags = 0)
{
    return makeRecord(afcgi::RecordType::BeginRequest, requestId, beginBody(role, flags));
}

// A GET as a web server sends it: BEGIN, PARAMS, empty PARAMS, empty STDIN (one entry each).
inline QList<QByteArray> simpleGetRecords(quint16 requestId, QByteArrayView uri = "/hello")
{
    using afcgi::RecordType;
    const QByteArray params = nameValue("REQUEST_METHOD", "GET") + nameValue("REQUEST_URI", uri);
    return { beginRecord(requestId, 1, afcgi::kKeepConn),
             makeRecord(RecordType::Params, requestId, params, quint8((8 - params.size() % 8) % 8)),
             makeRecord(RecordType::Params, requestId, {}),
             makeRecord(RecordType::Stdin, requestId, {}) };
}

inline QByteArray simpleGet(quint16 requestId, QByteArrayView uri = "/hello")
{
    return simpleGetRecords(requestId, uri).join();
}

// Alternates the records of two requests: a0 b0 a1 b1 ...
inline QByteArray interleave(const QList<QByteArray> &a, const QList<QByteArray> &b)
{
    QByteArray out;
    for (qsizetype i = 0; i < qMax(a.size(), b.size()); ++i) {
        if (i < a.size())
            out += a.at(i);
        if (i < b.size())
            out += b.at(i);
    }
    return out;
}

// One PARAMS stream whose single value is `valueLength` bytes long (4-byte length from 128).
inline QByteArray paramsWithValue(quint16 requestId, int valueLength)
{
    const QByteArray pair = nameValue("HTTP_COOKIE", QByteArray(valueLength, 'c'));
    return makeRecord(afcgi::RecordType::Params, requestId, pair)
        + makeRecord(afcgi::RecordType::Params, requestId, {});
}

} // namespace fixtures
