#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

#include <optional>

// The notes, in a directory of their own: notes.json ({"next_id": 3, "notes": [{"id": 1,
// "title": "...", "text": "...", "attachment": {"name": "...", "size": 123}}, ...]}, written
// aside and renamed after each change) and each note's attachment beside it as note-<id>.bin.
// Every worker thread reaches the store: a mutex guards it.
class NotesStore
{
public:
    // Creates `directory` when it does not exist and reads its notes.json when there is one.
    bool open(const QString &directory, QString *error);
    QString directory() const { return m_directory; }

    QList<QJsonObject> all() const; // by id
    std::optional<QJsonObject> find(qint64 id) const;
    QJsonObject create(const QJsonObject &fields); // takes "title" and "text"; the new note
    bool update(qint64 id, const QJsonObject &fields);
    bool remove(qint64 id); // and its attachment

    // Where note `id`'s attachment lives; attach() records its name and size.
    QString attachmentPath(qint64 id) const;
    bool attach(qint64 id, const QString &fileName, qint64 size);

private:
    void save() const; // with m_mutex held

    mutable QMutex m_mutex;
    QString m_directory;
    QHash<qint64, QJsonObject> m_notes;
    qint64 m_nextId = 1;
};
