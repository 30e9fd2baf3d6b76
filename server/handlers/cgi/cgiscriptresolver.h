#pragma once
// fcgiwrap's way of naming the program (--cgi-root): the web server sends SCRIPT_FILENAME (or
// DOCUMENT_ROOT and SCRIPT_NAME), and the file must resolve, symbolic links followed, under one
// of the configured roots and be a regular executable file. No shell ever sees the path.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace afcgi {

struct CgiScript
{
    int status = 0;          // 0: found; else 403 or 404
    QString reason;          // why not, for the log
    QByteArray program;      // the resolved file: what is executed
    QByteArray requested;    // the path as the web server named it (SCRIPT_FILENAME, argv[0])
    QByteArray directory;    // the resolved file's directory: its working directory
};

class CgiScriptResolver
{
public:
    // `roots` that are not directories are dropped (the configuration checked them already).
    explicit CgiScriptResolver(const QStringList &roots);

    bool isEmpty() const { return m_roots.isEmpty(); }
    // SCRIPT_FILENAME if given, else DOCUMENT_ROOT + SCRIPT_NAME.
    CgiScript resolve(const QByteArray &scriptFilename, const QByteArray &documentRoot,
                      const QByteArray &scriptName) const;

private:
    static bool isUnder(const QString &path, const QStringList &roots);
    QStringList m_roots;        // canonical, each ending in '/'
    QStringList m_writtenRoots; // as configured (cleaned), and the canonical ones
};

} // namespace afcgi
