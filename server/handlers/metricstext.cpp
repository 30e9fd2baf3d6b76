#include "handlers/metricstext.h"

namespace afcgi {

void MetricsText::family(const char *name, const char *type, const char *help)
{
    m_text += QByteArrayLiteral("# HELP ") + name + ' ' + help + '\n';
    m_text += QByteArrayLiteral("# TYPE ") + name + ' ' + type + '\n';
}

void MetricsText::sample(const QByteArray &name, double value, const QByteArray &labels)
{
    m_text += name;
    if (!labels.isEmpty())
        m_text += '{' + labels + '}';
    m_text += ' ' + QByteArray::number(value, 'g', 15) + '\n';
}

QByteArray MetricsText::escapeLabel(const QByteArray &value)
{
    QByteArray out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace afcgi
