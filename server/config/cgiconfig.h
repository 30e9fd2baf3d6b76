#pragma once
// The CGI bridge's settings: --cgi-root (fcgiwrap's way: the front end names the script in
// SCRIPT_FILENAME) and [cgi /prefix] sections of the config file (a program mounted on a path),
// with the limits they share.

#include <afcgi/fastcgi.h>

#include <QList>
#include <QString>
#include <QStringList>

namespace afcgi {

// Where a CGI program's stderr goes: afcgid's log (with the request id), the web server's
// error log (FastCGI STDERR), or both.
enum class CgiStderr { Log, FastCgi, Both };

// [cgi /prefix]: one program serving a path prefix.
struct CgiMount
{
    QString prefix;            // "/git": what the program sees as SCRIPT_NAME
    QString program;           // absolute path of an executable file
    NameValueList environment; // the section's UPPER_CASE keys
    int maxChildren = 0;       // its own limit within --cgi-max-children; 0 = none
    int timeoutMs = -1;        // -1: --cgi-timeout
    QString section;           // "[cgi /git]", to name it in messages
};

struct CgiConfig
{
    QStringList roots;           // --cgi-root, as given (the bridge resolves symlinks)
    int maxChildren = 32;        // children running at once, all mounts and roots together
    int queue = 256;             // requests waiting for a child slot; beyond: 503
    int timeoutMs = 0;           // a child running longer is terminated; 0 = never
    CgiStderr stderrMode = CgiStderr::Log;
    NameValueList environment;   // --cgi-env NAME=VALUE, for every program
    QList<CgiMount> mounts;

    bool isEnabled() const { return !roots.isEmpty() || !mounts.isEmpty(); }

    // One cgi-* key from the command line or the file's top level; false with a message.
    bool apply(const QString &key, const QString &value, QString *error);
    // The [cgi /prefix] sections of an INI file (read here rather than through QSettings,
    // which would take "/" apart and cut values at ';' and ','). Keys: program, max-children,
    // timeout; UPPER_CASE keys are environment variables.
    bool readSections(const QString &file, QString *error);
    // What can only be checked once everything is read: roots are directories, programs
    // executable files, prefixes unique; and that this platform runs CGI programs at all.
    bool validate(QString *error) const;

    // "cgi /git" (a QSettings group of such a section): the file's sections belong to us.
    static bool isSectionGroup(const QString &group);
};

} // namespace afcgi
