#include "config/inisections.h"

#include <QFile>

namespace afcgi {

bool readIniSections(const QString &file, const IniSectionReader &reader, QString *error)
{
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = QStringLiteral("cannot read config file '%1'").arg(file);
        return false;
    }
    bool wanted = false;
    QString group;
    int lineNumber = 0;
    while (!in.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(in.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char(';')) || line.startsWith(QLatin1Char('#')))
            continue;
        if (line.startsWith(QLatin1Char('[')) && line.endsWith(QLatin1Char(']'))) {
            group = line.mid(1, line.size() - 2).trimmed();
            wanted = false;
            if (!reader.section(group, &wanted, error))
                return false;
            continue;
        }
        if (!wanted)
            continue; // QSettings reads the other sections
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            *error = QStringLiteral("[%1] line %2: expected key = value").arg(group).arg(lineNumber);
            return false;
        }
        QString value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        if (!reader.key(line.left(eq).trimmed(), value, lineNumber, error))
            return false;
    }
    return true;
}

} // namespace afcgi
