#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QHash>

namespace afcgi::gui {

// The requests in flight in the service, one row each, found by (connection id, request id).
// Fed by the monitor stream: a snapshot replaces the set; each tick appends the requests that
// began in one insertion, removes the ones that ended (one removal per contiguous range, or one
// layout change plus one tail removal when they are scattered), and updates the age column of all
// rows with a single dataChanged. Sort through a QSortFilterProxyModel on SortRole.
class RequestTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ConnectionColumn,
        RequestColumn,
        RoleColumn,
        MethodColumn,
        AgeColumn,
        BytesInColumn,
        BytesOutColumn,
        NoteColumn, // what the handler says it is doing (the CGI bridge: its child)
        UriColumn,  // last: it takes the rest of the width
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole, // raw numbers and strings
        AbortedRole,             // bool
    };

    explicit RequestTableModel(QObject *parent = nullptr);

    void clear();
    void setSnapshot(const QList<afcgi::monitor::RequestInfo> &requests);
    void applyTick(const afcgi::monitor::Tick &tick);

    int findRow(quint64 connectionId, quint16 requestId) const;
    const afcgi::monitor::RequestInfo &requestAt(int row) const { return m_rows.at(row); }
    qint64 nowMs() const { return m_nowMs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Key
    {
        quint64 connectionId;
        quint16 requestId;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.connectionId == b.connectionId && a.requestId == b.requestId;
        }
        friend size_t qHash(const Key &k, size_t seed = 0)
        {
            return qHashMulti(seed, k.connectionId, k.requestId);
        }
    };
    static Key keyOf(const afcgi::monitor::RequestInfo &r) { return { r.connectionId, r.requestId }; }

    void removeRowSet(QList<int> rows);
    void reindexFrom(int row);
    void emitRowChanged(int row);

    QList<afcgi::monitor::RequestInfo> m_rows;
    QHash<Key, int> m_index; // key → row
    qint64 m_nowMs = 0;      // the service's clock at the last tick
};

} // namespace afcgi::gui
