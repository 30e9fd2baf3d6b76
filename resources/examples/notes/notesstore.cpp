#include "notesstore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>

namespace {

qint64 idOf(const QJsonObject &note)
{
    return note.value(QLatin1String("id")).toInteger();
}

QString indexPath(const QString &directory)
{
    return directory + QStringLiteral("/notes.json");
}

} // namespace

bool NotesStore::open(const QString &directory, QString *error)
{
    QMutexLocker lock(&m_mutex);
    if (directory.isEmpty()) {
        *error = QStringLiteral("no directory for the notes");
        return false;
    }
    if (!QDir().mkpath(directory)) {
        *error = QStringLiteral("cannot create %1").arg(directory);
        return false;
    }
    m_directory = QDir(directory).absolutePath();
    QFile file(indexPath(m_directory));
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        *error = QStringLiteral("%1 is not a notes file: %2").arg(file.fileName(), parseError.errorString());
        return false;
    }
    const QJsonObject root = document.object();
    for (const QJsonValue &value : root.value(QLatin1String("notes")).toArray())
        m_notes.insert(idOf(value.toObject()), value.toObject());
    m_nextId = qMax<qint64>(1, root.value(QLatin1String("next_id")).toInteger());
    return true;
}

QList<QJsonObject> NotesStore::all() const
{
    QMutexLocker lock(&m_mutex);
    QList<QJsonObject> notes = m_notes.values();
    std::sort(notes.begin(), notes.end(), [](const QJsonObject &a, const QJsonObject &b) { return idOf(a) < idOf(b); });
    return notes;
}

std::optional<QJsonObject> NotesStore::find(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.constFind(id);
    if (it == m_notes.constEnd())
        return std::nullopt;
    return *it;
}

QJsonObject NotesStore::create(const QJsonObject &fields)
{
    QMutexLocker lock(&m_mutex);
    const qint64 id = m_nextId++;
    const QJsonObject note{{QStringLiteral("id"), id},
                           {QStringLiteral("title"), fields.value(QLatin1String("title")).toString()},
                           {QStringLiteral("text"), fields.value(QLatin1String("text")).toString()}};
    m_notes.insert(id, note);
    save();
    return note;
}

bool NotesStore::update(qint64 id, const QJsonObject &fields)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.find(id);
    if (it == m_notes.end())
        return false;
    for (const QString &key : {QStringLiteral("title"), QStringLiteral("text")}) {
        if (fields.contains(key))
            it->insert(key, fields.value(key).toString());
    }
    save();
    return true;
}

bool NotesStore::remove(qint64 id)
{
    QMutexLocker lock(&m_mutex);
    if (!m_notes.remove(id))
        return false;
    QFile::remove(attachmentPath(id));
    save();
    return true;
}

QString NotesStore::attachmentPath(qint64 id) const
{
    return m_directory + QStringLiteral("/note-%1.bin").arg(id);
}

bool NotesStore::attach(qint64 id, const QString &fileName, qint64 size)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.find(id);
    if (it == m_notes.end())
        return false;
    it->insert(QStringLiteral("attachment"), QJsonObject{{QStringLiteral("name"), fileName},
                                                         {QStringLiteral("size"), size}});
    save();
    return true;
}

void NotesStore::save() const
{
    QJsonArray notes;
    for (const QJsonObject &note : m_notes)
        notes.append(note);
    const QJsonObject root{{QStringLiteral("next_id"), m_nextId}, {QStringLiteral("notes"), notes}};
    QSaveFile file(indexPath(m_directory)); // written aside, then renamed: never half a file
    if (file.open(QIODevice::WriteOnly)) {
        file.write(QJsonDocument(root).toJson());
        file.commit();
    }
}
