#include "notestore.h"

#include <QFile>

#include <algorithm>

QJsonObject NoteStore::create(const QJsonObject &fields)
{
    QMutexLocker lock(&m_mutex);
    const qint64 id = m_nextId++;
    QJsonObject note{{QStringLiteral("id"), id},
                     {QStringLiteral("title"), fields.value(QLatin1String("title")).toString()},
                     {QStringLiteral("text"), fields.value(QLatin1String("text")).toString()}};
    m_notes.insert(id, note);
    return note;
}

std::optional<QJsonObject> NoteStore::find(qint64 id) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.constFind(id);
    if (it == m_notes.constEnd())
        return std::nullopt;
    return *it;
}

bool NoteStore::update(qint64 id, const QJsonObject &fields)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.find(id);
    if (it == m_notes.end())
        return false;
    for (const QString &key : {QStringLiteral("title"), QStringLiteral("text")}) {
        if (fields.contains(key))
            it->insert(key, fields.value(key).toString());
    }
    return true;
}

bool NoteStore::remove(qint64 id)
{
    QMutexLocker lock(&m_mutex);
    if (!m_notes.remove(id))
        return false;
    QFile::remove(attachmentPath(id));
    return true;
}

QList<QJsonObject> NoteStore::all() const
{
    QMutexLocker lock(&m_mutex);
    QList<QJsonObject> notes = m_notes.values();
    std::sort(notes.begin(), notes.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QLatin1String("id")).toInteger() < b.value(QLatin1String("id")).toInteger();
    });
    return notes;
}

QString NoteStore::attachmentPath(qint64 id) const
{
    return m_directory + QStringLiteral("/note-%1.bin").arg(id);
}

bool NoteStore::attach(qint64 id, const QString &fileName, qint64 size)
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_notes.find(id);
    if (it == m_notes.end())
        return false;
    it->insert(QStringLiteral("attachment"), QJsonObject{{QStringLiteral("name"), fileName},
                                                         {QStringLiteral("size"), size}});
    return true;
}
