#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>

namespace afcgi::gui {

class RequestTableModel;

// The web server's open connections to the service: peer, listener, age, the requests in flight
// on each (count and ids — multiplexing at work) and the output queued for it. Connections come
// from the snapshot and the ticks' opened/closed lists; the in-flight requests are derived from a
// RequestTableModel by following its row signals, so both views always agree.
class ConnectionModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        ConnectionColumn,
        PeerColumn,
        ListenerColumn,
        AgeColumn,
        InFlightColumn,
        QueuedColumn,
        RequestIdsColumn, // last: it takes the rest of the width
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole, AbortedInFlightRole };
    static constexpr int kMaxIdsShown = 32;

    explicit ConnectionModel(QObject *parent = nullptr);

    void setRequestModel(RequestTableModel *requests);
    void clear();
    void setSnapshot(const afcgi::monitor::Snapshot &snapshot);
    // Call after RequestTableModel::applyTick() for the same tick.
    void applyTick(const afcgi::monitor::Tick &tick);

    int findRow(quint64 connectionId) const { return m_index.value(connectionId, -1); }
    const afcgi::monitor::ConnectionInfo &connectionAt(int row) const { return m_rows.at(row); }
    // Request id → aborted, for the requests in flight on a connection.
    QMap<quint16, bool> inFlight(quint64 connectionId) const { return m_inFlight.value(connectionId); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void onRequestsInserted(int first, int last);
    void onRequestsAboutToBeRemoved(int first, int last);
    void onRequestsChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                           const QList<int> &roles);
    void rebuildInFlight();
    void flushInFlightChanges();
    void upsert(const afcgi::monitor::ConnectionInfo &info, QList<afcgi::monitor::ConnectionInfo> *appends);
    void removeConnections(const QList<quint64> &ids);
    void reindexFrom(int row);

    QPointer<RequestTableModel> m_requests;
    QList<afcgi::monitor::ConnectionInfo> m_rows;
    QHash<quint64, int> m_index;                   // connection id → row
    QHash<quint64, QMap<quint16, bool>> m_inFlight; // connection id → request id → aborted
    QSet<quint64> m_inFlightDirty;                  // connections whose in-flight set changed
    qint64 m_nowMs = 0;
};

} // namespace afcgi::gui
