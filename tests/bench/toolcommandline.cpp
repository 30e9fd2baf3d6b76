#include "toolcommandline.h"

#include <cstdio>

namespace afcgi::bench {

ToolCommandLine::ToolCommandLine(const char *toolName, const QString &description)
    : m_toolName(toolName)
{
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_parser.addVersionOption();
    addValue("addr", "Server address: host:port, [v6]:port or unix:/path (default 127.0.0.1:9000).", "ADDR");
    m_parser.addOption({QStringLiteral("json-only"), QStringLiteral("Print only the final JSON line.")});
    m_parser.addOption({QStringLiteral("no-progress"), QStringLiteral("No progress line, even on a terminal.")});
}

void ToolCommandLine::addValue(const char *name, const char *help, const char *valueName)
{
    m_parser.addOption({QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(valueName)});
}

bool ToolCommandLine::parse(const QStringList &arguments)
{
    if (!m_parser.parse(arguments)) {
        fail(m_parser.errorText());
        return false;
    }
    if (isSet("help")) {
        std::fputs(qPrintable(m_parser.helpText()), stdout);
        return false;
    }
    if (isSet("version")) {
        std::printf("%s %s\n", m_toolName, AFCGI_VERSION);
        return false;
    }
    if (!m_parser.positionalArguments().isEmpty()) {
        fail(QStringLiteral("unexpected argument: %1").arg(m_parser.positionalArguments().first()));
        return false;
    }
    return true;
}

void ToolCommandLine::integer(const char *name, qint64 min, qint64 max, qint64 *out)
{
    if (!ok() || !isSet(name))
        return;
    bool parsed = false;
    const qint64 v = value(name).toLongLong(&parsed);
    if (!parsed || v < min || v > max) {
        fail(QStringLiteral("--%1 must be a whole number from %2 to %3, not '%4'")
                 .arg(QLatin1String(name)).arg(min).arg(max).arg(value(name)));
        return;
    }
    *out = v;
}

void ToolCommandLine::number(const char *name, double max, double *out)
{
    if (!ok() || !isSet(name))
        return;
    bool parsed = false;
    const double v = value(name).toDouble(&parsed);
    if (!parsed || v < 0 || v > max) {
        fail(QStringLiteral("--%1 must be a number from 0 to %2, not '%3'")
                 .arg(QLatin1String(name)).arg(max).arg(value(name)));
        return;
    }
    *out = v;
}

std::optional<Endpoint> ToolCommandLine::endpoint()
{
    const QString addr = isSet("addr") ? value("addr") : QStringLiteral("127.0.0.1:9000");
    const auto endpoint = Endpoint::parse(addr);
    if (!endpoint)
        fail(QStringLiteral("bad --addr '%1': expected host:port, [v6]:port or unix:/path").arg(addr));
    return endpoint;
}

void ToolCommandLine::fail(const QString &why)
{
    if (m_error.isEmpty())
        m_error = why;
}

} // namespace afcgi::bench
