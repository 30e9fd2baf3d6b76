#pragma once

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <optional>

// The notes, shared by every worker thread (hence the mutex), kept in a JSON file when one is
// given: {"next_id": 3, "notes": [{"id": 1, "text": "..."}, ...]}, rewritten after each change.
class NotesStore
{
public:
    // Reads `fileName` when it exists; an empty name keeps the notes in memory only.
    bool open(const QString &fileName, QString *error);

    QList<QJsonObject> all() const;
    std::optional<QJsonObject> find(qint64 id) const;
    QJsonObject add(const QString &text); // the new note, with its id
    bool remove(qint64 id);

private:
    void save() const; // with m_mutex held

    mutable QMutex m_mutex;
    QString m_fileName;
    QList<QJsonObject> m_notes;
    qint64 m_nextId = 1;
};
