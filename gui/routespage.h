#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class MonitorClient;

// What the service serves, as its hello lists it (monitor protocol r5): one row per mounted
// prefix with the application that mounted it (builtin, hub, cgi, or a plugin's name) and the
// plugin's file; and, from each tick's `routes` (r7), its traffic: requests per second and the
// p50/p99 latency of the tick, its 5xx answers, aborts and the stalls of a worker in its handler.
class RouteModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        PrefixColumn, AppColumn, RateColumn, P50Column, P99Column, ErrorsColumn, AbortsColumn,
        BlockedColumn, PatternsColumn, PluginColumn, ColumnCount
    };
    enum Role { SortRole = Qt::UserRole };

    explicit RouteModel(QObject *parent = nullptr);

    void setRoutes(const QList<afcgi::monitor::Route> &routes);
    const afcgi::monitor::Route &routeAt(int row) const { return m_rows.at(row); }
    // A tick's traffic, matched to the rows by prefix; a row not listed had none this tick
    // (its totals stay). False when the tick did not tell it (a service older than r7).
    bool applyTraffic(const afcgi::monitor::Tick &tick);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QVariant trafficData(const afcgi::monitor::RouteTraffic &t, int column, bool raw) const;

    QList<afcgi::monitor::Route> m_rows;
    QList<afcgi::monitor::RouteTraffic> m_traffic; // by row
};

// The Routes tab: the routes of the service's hello, and a line that says when the service does
// not tell them (older than revision 5) or the monitor is not connected.
class RoutesPage final : public QWidget
{
    Q_OBJECT
public:
    explicit RoutesPage(MonitorClient *client, QWidget *parent = nullptr);

    RouteModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString noteText() const;

    void applyHello(const afcgi::monitor::Hello &hello);
    void applyTick(const afcgi::monitor::Tick &tick);

private:
    RouteModel *m_model;
    QTableView *m_view;
    QLabel *m_note;
};

} // namespace afcgi::gui
