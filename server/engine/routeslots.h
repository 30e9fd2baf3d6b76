#pragma once
// Which mounted route a request counts under: the mounts as the monitor's hello lists them
// (prefixes), each request under the longest prefix that contains its route's pattern.

#include <QString>
#include <QStringList>

namespace afcgi {

// Whether the route `pattern` ("/notes/{id:int}") lies under `prefix` ("/notes", or "/").
bool prefixContains(const QString &prefix, const QString &pattern);
// The index in `prefixes` of the longest prefix that contains `pattern`; -1 when none does.
int owningPrefix(const QStringList &prefixes, const QString &pattern);

} // namespace afcgi
