#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <optional>

namespace afcgi {

// A header value with parameters, as Content-Type and Content-Disposition have them:
// `multipart/form-data; boundary="abc"`, `form-data; name="file"; filename="a b.txt"`.
struct HeaderValue
{
    QByteArray value; // "multipart/form-data", "form-data", as sent, whitespace trimmed
    QList<QPair<QByteArray, QByteArray>> params; // names lower-cased, quoted values unquoted

    // The first parameter called `name` (lower case); empty when absent.
    QByteArray param(QByteArrayView name) const;
    bool hasParam(QByteArrayView name) const;
    // `value` equals `type` ignoring ASCII case.
    bool is(QByteArrayView type) const;
};

// Parses `value *( ";" name "=" ( token / quoted-string ) )` with optional whitespace around
// each part (RFC 9110, 5.6.6). A quoted string may escape any byte with '\'. Returns nullopt
// for an empty value, a parameter without '=' or a name, or a quoted string that never ends.
std::optional<HeaderValue> parseHeaderValue(QByteArrayView text);

} // namespace afcgi
