#include "net/socketowner.h"

namespace afcgi {

bool setSocketOwner(const QString &, const QString &owner, const QString &group, QString *error)
{
    if (owner.isEmpty() && group.isEmpty())
        return true;
    // Named pipes carry a security descriptor, not an owner and a group.
    *error = QStringLiteral("--socket-owner and --socket-group are not supported on Windows");
    return false;
}

CreationModeScope::CreationModeScope(int) {}
CreationModeScope::~CreationModeScope() = default;

} // namespace afcgi
