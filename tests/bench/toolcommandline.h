#pragma once
// The command line afcgi-bench and afcgi-soak share: --help, --version, --addr, --json-only and
// --no-progress, and checked readers of numeric values that keep the first error.

#include "endpoint.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <optional>

namespace afcgi::bench {

class ToolCommandLine
{
public:
    ToolCommandLine(const char *toolName, const QString &description);

    void addValue(const char *name, const char *help, const char *valueName);

    // False when the tool should not run: with error() set, or after printing --help or
    // --version (error() empty).
    bool parse(const QStringList &arguments);

    bool isSet(const char *name) const { return m_parser.isSet(QString::fromLatin1(name)); }
    QString value(const char *name) const { return m_parser.value(QString::fromLatin1(name)); }

    // Each stores --name's value in *out when it is given and valid; the first value that is
    // not sets error() and the readers after it do nothing.
    void integer(const char *name, qint64 min, qint64 max, qint64 *out);
    void number(const char *name, double max, double *out);
    // --addr (default 127.0.0.1:9000); an empty optional and error() for a bad one.
    std::optional<Endpoint> endpoint();

    bool jsonOnly() const { return isSet("json-only"); }
    bool progress() const { return !isSet("no-progress") && !jsonOnly(); }

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    void fail(const QString &why);

private:
    QCommandLineParser m_parser;
    const char *m_toolName;
    QString m_error;
};

} // namespace afcgi::bench
