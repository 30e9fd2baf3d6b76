#pragma once
// The Prometheus text exposition format (version 0.0.4), written a family at a time.

#include <QByteArray>

namespace afcgi {

class MetricsText
{
public:
    void family(const char *name, const char *type, const char *help);
    void sample(const QByteArray &name, double value, const QByteArray &labels = {});
    void append(const QByteArray &text) { m_text += text; } // families rendered elsewhere
    QByteArray text() const { return m_text; }

    // A label value with \, " and newlines escaped.
    static QByteArray escapeLabel(const QByteArray &value);

private:
    QByteArray m_text;
};

} // namespace afcgi
