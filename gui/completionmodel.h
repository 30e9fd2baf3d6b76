#pragma once

#include "monitorprotocol.h"
#include "ringbuffer.h"

#include <QAbstractTableModel>

namespace afcgi::gui {

// Recently completed requests, oldest first, in a capped ring (the last 5000 by default): a tick's
// completions arrive in one insertion at the end, preceded by one removal at the front when the
// ring is full.
class CompletionModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        EndedColumn,
        ConnectionColumn,
        RequestColumn,
        MethodColumn,
        StatusColumn,
        DurationColumn,
        BytesInColumn,
        BytesOutColumn,
        UriColumn, // last: it takes the rest of the width
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AbortedRole };
    static constexpr int kDefaultCapacity = 5000;

    explicit CompletionModel(QObject *parent = nullptr);

    void setCapacity(int capacity);
    int capacity() const { return int(m_ring.capacity()); }
    void addCompleted(const QList<afcgi::monitor::RequestInfo> &ended);
    void clear();
    const afcgi::monitor::RequestInfo &completionAt(int row) const { return m_ring.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    RingBuffer<afcgi::monitor::RequestInfo> m_ring;
};

} // namespace afcgi::gui
