#pragma once
// Platform code for Unix-domain socket files: their mode from the moment they exist, and an
// owner and a group (chown), as PHP-FPM's listen.mode, listen.owner and listen.group do.

#include <QString>

namespace afcgi {

// `owner` and `group` are names or numeric ids; an empty one is left as it is. False, with a
// reason, when one is unknown, the process may not change it, or the platform has no owners.
bool setSocketOwner(const QString &path, const QString &owner, const QString &group, QString *error);

// While it lives, the files this process creates get exactly `mode` (the umask is set to its
// complement): a socket is then never open to more users than asked, not even between bind()
// and a chmod. Only at start-up: the umask is the whole process's. No-op on Windows.
class CreationModeScope
{
public:
    explicit CreationModeScope(int mode);
    ~CreationModeScope();
    CreationModeScope(const CreationModeScope &) = delete;
    CreationModeScope &operator=(const CreationModeScope &) = delete;

private:
    int m_previousMask = 0;
};

} // namespace afcgi
