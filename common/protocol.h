#pragma once
// FastCGI 1.0 wire constants, named as in the specification.

#include <afcgi/fastcgi.h> // Role and name-value pairs: the public API's terms

#include <QtGlobal>

namespace afcgi {

constexpr quint8 kFcgiVersion1 = 1;
constexpr int kHeaderLength = 8;
constexpr int kMaxContentLength = 65535;
constexpr int kMaxPaddingLength = 255;
constexpr quint16 kNullRequestId = 0; // management records use id 0
constexpr quint8 kKeepConn = 1;       // FCGI_KEEP_CONN flag of BEGIN_REQUEST

enum class RecordType : quint8 {
    BeginRequest = 1,
    AbortRequest = 2,
    EndRequest = 3,
    Params = 4,
    Stdin = 5,
    Stdout = 6,
    Stderr = 7,
    Data = 8,
    GetValues = 9,
    GetValuesResult = 10,
    UnknownType = 11,
};

enum class ProtocolStatus : quint8 {
    RequestComplete = 0,
    CantMpxConn = 1,
    Overloaded = 2,
    UnknownRole = 3,
};

const char *toString(RecordType type);
const char *toString(ProtocolStatus status);

} // namespace afcgi
