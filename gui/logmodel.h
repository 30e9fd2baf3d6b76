#pragma once

#include "monitorprotocol.h"
#include "ringbuffer.h"

#include <QAbstractTableModel>

namespace afcgi::gui {

// The service's log lines (and the monitor's own notes), oldest first, in a capped ring: once
// full, the oldest rows are removed before new ones are inserted. While paused, new lines wait
// (up to the capacity) and are inserted on resume.
class LogModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, LevelColumn, CategoryColumn, MessageColumn, ColumnCount };
    enum Role {
        LevelRole = Qt::UserRole, // int, see Level
        TimeRole,                 // qint64 ms since the epoch
    };
    enum Level { Debug, Info, Warning, Error };
    static constexpr int kDefaultCapacity = 10000;
    static constexpr const char *kMonitorCategory = "afcgi.monitor";

    explicit LogModel(QObject *parent = nullptr);

    static Level levelFromString(const QString &level);
    static QString levelName(int level);

    void setCapacity(int capacity);
    int capacity() const { return int(m_ring.capacity()); }
    // A batch from the service; its "dropped" count becomes a warning line of its own.
    void append(const afcgi::monitor::LogBatch &batch);
    void append(const QList<afcgi::monitor::LogEntry> &entries);
    // A line from the monitor itself (connection state, protocol errors).
    void appendLocal(Level level, const QString &message);
    void clear();

    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    int pendingCount() const { return int(m_pending.size()); }

    const afcgi::monitor::LogEntry &entryAt(int row) const { return m_ring.at(row); }
    // "time level category: message", as afcgid prints it.
    QString lineAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void pendingCountChanged(int count);

private:
    void insert(const QList<afcgi::monitor::LogEntry> &entries);

    RingBuffer<afcgi::monitor::LogEntry> m_ring;
    QList<afcgi::monitor::LogEntry> m_pending;
    bool m_paused = false;
};

} // namespace afcgi::gui
