#include "notesstore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

bool NotesStore::open(const QString &fileName, QString *error)
{
    QMutexLocker lock(&m_mutex);
    m_fileName = fileName;
    if (fileName.isEmpty() || !QFile::exists(fileName))
        return true;
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("%1 is not a notes file: %2").arg(fileName, parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    for (const QJsonValue &note : root.value(QLatin1String("notes")).toArray())
        m_notes.append(note.toObject());
    m_nextId = qMax<qint64>(1, root.value(QLatin1String("next_id")).toInteger());
    return true;
}

QList<QJsonObject> NotesStore::all() const
{
    QMutexLocker lock(&m_mutex);
    return m_notes;
}

std::optional<QJsonObject> NotesStore::find(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    for (const QJsonObject &note : m_notes) {
        if (note.value(QLatin1String("id")).toInteger() == id)
            return note;
    }
    return std::nullopt;
}

QJsonObject NotesStore::add(const QString &text)
{
    QMutexLocker lock(&m_mutex);
    const QJsonObject note{{QStringLiteral("id"), m_nextId++}, {QStringLiteral("text"), text}};
    m_notes.append(note);
    save();
    return note;
}

bool NotesStore::remove(qint64 id)
{
    QMutexLocker lock(&m_mutex);
    for (qsizetype i = 0; i < m_notes.size(); ++i) {
        if (m_notes.at(i).value(QLatin1String("id")).toInteger() == id) {
            m_notes.removeAt(i);
            save();
            return true;
        }
    }
    return false;
}

void NotesStore::save() const
{
    if (m_fileName.isEmpty())
        return;
    QJsonArray notes;
    for (const QJsonObject &note : m_notes)
        notes.append(note);
    const QJsonObject root{{QStringLiteral("next_id"), m_nextId}, {QStringLiteral("notes"), notes}};
    QSaveFile file(m_fileName); // written aside, then renamed: never half a file
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(root).toJson());
        file.commit();
    }
}
