#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>

#include <optional>

namespace afcgi {

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110, 5.6.7 IMF-fixdate), in UTC, with English names
// whatever the locale.
QByteArray formatHttpDate(const QDateTime &time);

// The three formats a recipient must accept: IMF-fixdate, the obsolete RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994"). nullopt for
// anything else, or an impossible date.
std::optional<QDateTime> parseHttpDate(QByteArrayView text);

} // namespace afcgi
