#include "engine/routeslots.h"

namespace afcgi {

bool prefixContains(const QString &prefix, const QString &pattern)
{
    return pattern == prefix || prefix == QLatin1String("/")
        || pattern.startsWith(prefix + QLatin1Char('/'));
}

int owningPrefix(const QStringList &prefixes, const QString &pattern)
{
    int owner = -1;
    for (int i = 0; i < prefixes.size(); ++i) {
        const QString &prefix = prefixes.at(i);
        if (prefixContains(prefix, pattern) && (owner < 0 || prefix.size() > prefixes.at(owner).size()))
            owner = i;
    }
    return owner;
}

} // namespace afcgi
