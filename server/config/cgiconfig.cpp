#include "config/cgiconfig.h"

#include "config/inisections.h"

#include <QFile>
#include <QFileInfo>

#include <limits>

namespace afcgi {

namespace {

constexpr int kMaxChildrenLimit = 100000;
constexpr int kQueueLimit = 1000000;

bool parseInt(const QString &value, qint64 min, qint64 max, int *out)
{
    bool ok = false;
    const qint64 n = value.trimmed().toLongLong(&ok);
    if (!ok || n < min || n > max)
        return false;
    *out = int(n);
    return true;
}

QString rangeError(const QString &what, qint64 min, qint64 max, const QString &value)
{
    return QStringLiteral("%1: expected a whole number from %2 to %3, got '%4'")
        .arg(what).arg(min).arg(max).arg(value);
}

// [A-Za-z_][A-Za-z0-9_]*, or with upperOnly [A-Z_][A-Z0-9_]*.
bool isVariableName(const QString &name, bool upperOnly)
{
    if (name.isEmpty() || name.at(0).isDigit())
        return false;
    for (QChar c : name) {
        const bool letter = (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
                            || (!upperOnly && c >= QLatin1Char('a') && c <= QLatin1Char('z'));
        if (!letter && !(c >= QLatin1Char('0') && c <= QLatin1Char('9')) && c != QLatin1Char('_'))
            return false;
    }
    return true;
}

// UPPER_CASE keys of a section are environment variables: GIT_PROJECT_ROOT = /srv/git.
bool isEnvironmentKey(const QString &key)
{
    return isVariableName(key, true);
}

bool applyMountKey(CgiMount &mount, const QString &key, const QString &value, QString *error)
{
    if (isEnvironmentKey(key)) {
        mount.environment.append({key.toUtf8(), value.toUtf8()});
        return true;
    }
    if (key == QLatin1String("program")) {
        mount.program = value;
        return true;
    }
    if (key == QLatin1String("max-children")) {
        if (!parseInt(value, 0, kMaxChildrenLimit, &mount.maxChildren)) {
            *error = rangeError(mount.section + QStringLiteral(" max-children"), 0, kMaxChildrenLimit, value);
            return false;
        }
        return true;
    }
    if (key == QLatin1String("timeout")) {
        if (!parseInt(value, 0, std::numeric_limits<int>::max(), &mount.timeoutMs)) {
            *error = rangeError(mount.section + QStringLiteral(" timeout"), 0,
                                std::numeric_limits<int>::max(), value);
            return false;
        }
        return true;
    }
    *error = QStringLiteral("%1: unknown setting '%2' (program, max-children, timeout, or an "
                            "UPPER_CASE environment variable)").arg(mount.section, key);
    return false;
}

bool checkProgram(const QString &program, const QString &what, QString *error)
{
    const QFileInfo info(program);
    QString why;
    if (program.isEmpty())
        why = QStringLiteral("no program");
    else if (!info.isAbsolute())
        why = QStringLiteral("program %1: not an absolute path").arg(program);
    else if (!info.exists())
        why = QStringLiteral("program %1: no such file").arg(program);
    else if (!info.isFile())
        why = QStringLiteral("program %1: not a regular file").arg(program);
    else if (!info.isExecutable())
        why = QStringLiteral("program %1: not executable").arg(program);
    if (why.isEmpty())
        return true;
    *error = QStringLiteral("%1: %2").arg(what, why);
    return false;
}

} // namespace

bool CgiConfig::isSectionGroup(const QString &group)
{
    return group.startsWith(QLatin1String("cgi "));
}

bool CgiConfig::apply(const QString &key, const QString &value, QString *error)
{
    if (key == QLatin1String("cgi-root")) {
        if (value.trimmed().isEmpty()) {
            *error = QStringLiteral("--cgi-root: expected a directory");
            return false;
        }
        roots.append(value.trimmed());
        return true;
    }
    if (key == QLatin1String("cgi-env")) {
        const qsizetype eq = value.indexOf(QLatin1Char('='));
        const QString name = value.left(eq).trimmed();
        if (eq <= 0 || !isVariableName(name, false)) {
            *error = QStringLiteral("--cgi-env: expected NAME=VALUE, got '%1'").arg(value);
            return false;
        }
        environment.append({name.toUtf8(), value.mid(eq + 1).toUtf8()});
        return true;
    }
    if (key == QLatin1String("cgi-stderr")) {
        const QString mode = value.trimmed().toLower();
        if (mode == QLatin1String("log"))
            stderrMode = CgiStderr::Log;
        else if (mode == QLatin1String("fastcgi"))
            stderrMode = CgiStderr::FastCgi;
        else if (mode == QLatin1String("both"))
            stderrMode = CgiStderr::Both;
        else {
            *error = QStringLiteral("--cgi-stderr: expected log, fastcgi or both, got '%1'").arg(value);
            return false;
        }
        return true;
    }
    struct Numeric
    {
        const char *key;
        int *field;
        qint64 min;
        qint64 max;
    };
    const Numeric numerics[] = {
        {"cgi-max-children", &maxChildren, 1, kMaxChildrenLimit},
        {"cgi-queue", &queue, 0, kQueueLimit},
        {"cgi-timeout", &timeoutMs, 0, std::numeric_limits<int>::max()},
    };
    for (const Numeric &numeric : numerics) {
        if (key != QLatin1String(numeric.key))
            continue;
        if (!parseInt(value, numeric.min, numeric.max, numeric.field)) {
            *error = rangeError(QStringLiteral("--") + key, numeric.min, numeric.max, value);
            return false;
        }
        return true;
    }
    *error = QStringLiteral("unknown setting '%1'").arg(key);
    return false;
}

bool CgiConfig::readSections(const QString &file, QString *error)
{
    CgiMount *mount = nullptr; // the [cgi ...] section being read
    IniSectionReader reader;
    reader.section = [&](const QString &group, bool *wanted, QString *why) {
        mount = nullptr;
        if (!isSectionGroup(group))
            return true;
        CgiMount next;
        next.section = QStringLiteral("[%1]").arg(group);
        next.prefix = group.mid(4).trimmed();
        if (!next.prefix.startsWith(QLatin1Char('/')) || next.prefix.contains(QLatin1Char(' '))) {
            *why = QStringLiteral("%1: expected [cgi /prefix], a path starting with /").arg(next.section);
            return false;
        }
        while (next.prefix.size() > 1 && next.prefix.endsWith(QLatin1Char('/')))
            next.prefix.chop(1);
        for (const CgiMount &other : std::as_const(mounts)) {
            if (other.prefix == next.prefix) {
                *why = QStringLiteral("%1: the prefix %2 is mounted twice").arg(next.section, next.prefix);
                return false;
            }
        }
        mounts.append(next);
        mount = &mounts.last();
        *wanted = true;
        return true;
    };
    reader.key = [&](const QString &key, const QString &value, int, QString *why) {
        return applyMountKey(*mount, key, value, why);
    };
    return readIniSections(file, reader, error);
}

bool CgiConfig::validate(QString *error) const
{
    if (!isEnabled())
        return true;
#ifndef Q_OS_UNIX
    *error = QStringLiteral("CGI is not supported on this platform (--cgi-root, [cgi ...] sections)");
    return false;
#else
    for (const QString &root : roots) {
        if (!QFileInfo(root).isDir()) {
            *error = QStringLiteral("--cgi-root %1: not a directory").arg(root);
            return false;
        }
    }
    for (const CgiMount &mount : mounts) {
        if (!checkProgram(mount.program, mount.section, error))
            return false;
    }
    return true;
#endif
}

} // namespace afcgi
