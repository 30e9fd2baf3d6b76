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
// from the snapshot and the ticks' opened/closed lists. The in-flight count and ids are the
// gauges each tick carries (counted by the workers, exact at any request rate; the ids a sample
// of the lowest); from a service that sends none, they are derived from a RequestTableModel by
// following its row signals, which only knows the requests whose events were not capped.
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
    static constexpr int kMaxIdsShown = 32; // of the ids derived from the request table

    explicit ConnectionModel(QObject *parent = nullptr);

    void setRequestModel(RequestTableModel *requests);
    void clear();
    void setSnapshot(const afcgi::monitor::Snapshot &snapshot);
    // Call after RequestTableModel::applyTick() for the same tick.
    void applyTick(const afcgi::monitor::Tick &tick);

    int findRow(quint64 connectionId) const { return m_index.value(connectionId, -1); }
    const afcgi::monitor::ConnectionInfo &connectionAt(int row) const { return m_rows.at(row); }
    // Request id → aborted, for the requests in flight on a connection as the request table
    // knows them.
    QMap<quint16, bool> inFlight(quint64 connectionId) const { return m_inFlight.value(connectionId); }
    // Requests in flight on a connection: its gauge when the service sends them, else inFlight().
    qint64 inFlightCount(quint64 connectionId) const;
    bool hasGauges() const { return m_haveGauges; }

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
    QStringList idList(quint64 connectionId, int limit, const QString &abortedMark) const;

    QPointer<RequestTableModel> m_requests;
    QList<afcgi::monitor::ConnectionInfo> m_rows;
    QHash<quint64, int> m_index;                   // connection id → row
    QHash<quint64, QMap<quint16, bool>> m_inFlight; // connection id → request id → aborted
    QSet<quint64> m_inFlightDirty;                  // connections whose in-flight set changed
    QHash<quint64, afcgi::monitor::ConnectionGauge> m_gauges; // the last tick's, busy connections only
    bool m_haveGauges = false;                      // the last tick carried gauges
    qint64 m_nowMs = 0;
};

} // namespace afcgi::gui
