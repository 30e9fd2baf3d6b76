#pragma once

#include "serviceentry.h"
#include "servicestate.h"

#include <QAbstractListModel>

namespace afcgi::gui {

// The services in afcgi-monitor's sidebar: each with its state ("Running", "Connecting", ...)
// and its request rate from the last tick, shown as two lines. Rows only grow at the end or are
// removed, so a row index stays with its service until it is removed.
class ServiceListModel final : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { PhaseRole = Qt::UserRole + 1, RateRole, RemoteRole, KeyRole };

    static QString phaseName(ServiceState::Phase phase);

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // The row of the new service; -1 when one with the same key is listed already.
    int add(const ServiceEntry &entry);
    void remove(int row);
    int rowOf(const QString &key) const;
    const ServiceEntry &entry(int row) const { return m_rows.at(row).entry; }
    ServiceState::Phase phase(int row) const { return m_rows.at(row).phase; }
    double rate(int row) const { return m_rows.at(row).rate; }

    void setPhase(int row, ServiceState::Phase phase);
    void setRate(int row, double requestsPerSecond);

private:
    struct Row
    {
        ServiceEntry entry;
        ServiceState::Phase phase = ServiceState::Phase::Connecting;
        double rate = 0;
    };
    QList<Row> m_rows;
};

} // namespace afcgi::gui
