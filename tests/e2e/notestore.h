#pragma once
// The notes of tst_e2e_api's application: an id, a title, a text and at most one attachment
// (a file in the store's directory). Every worker thread reaches it: a mutex guards it.

#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QString>

#include <optional>

class NoteStore
{
public:
    explicit NoteStore(QString directory) : m_directory(std::move(directory)) {}

    QJsonObject create(const QJsonObject &fields); // {"id", "title", "text"}
    std::optional<QJsonObject> find(qint64 id) const;
    bool update(qint64 id, const QJsonObject &fields);
    bool remove(qint64 id);
    QList<QJsonObject> all() const;

    // Where note `id`'s attachment lives; attach() records its name and size.
    QString attachmentPath(qint64 id) const;
    bool attach(qint64 id, const QString &fileName, qint64 size);
    const QString &directory() const { return m_directory; }

private:
    mutable QMutex m_mutex;
    QString m_directory;
    QHash<qint64, QJsonObject> m_notes;
    qint64 m_nextId = 1;
};
