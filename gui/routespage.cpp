#include "routespage.h"

#include "format.h"
#include "monitorclient.h"
#include "tableview.h"

#include <QLabel>
#include <QTableView>

namespace afcgi::gui {

RouteModel::RouteModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RouteModel::setRoutes(const QList<monitor::Route> &routes)
{
    beginResetModel();
    m_rows = routes;
    m_traffic = QList<monitor::RouteTraffic>(routes.size());
    endResetModel();
}

bool RouteModel::applyTraffic(const monitor::Tick &tick)
{
    if (!tick.routes)
        return false;
    for (monitor::RouteTraffic &t : m_traffic) { // not listed: nothing ended this tick
        t.rate = 0;
        t.count = 0;
        t.p50 = t.p99 = 0;
    }
    for (const monitor::RouteTraffic &t : *tick.routes) {
        for (qsizetype row = 0; row < m_rows.size(); ++row) {
            if (m_rows.at(row).prefix == t.prefix) {
                m_traffic[row] = t;
                break;
            }
        }
    }
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, RateColumn), index(int(m_rows.size()) - 1, BlockedColumn));
    return true;
}

QVariant RouteModel::trafficData(const monitor::RouteTraffic &t, int column, bool raw) const
{
    const auto latency = [&](double ms) {
        return raw ? QVariant(ms) : t.count == 0 ? QVariant(QString()) : QVariant(format::latency(ms));
    };
    switch (column) {
    case RateColumn: return raw ? QVariant(t.rate) : QVariant(format::perSecond(t.rate));
    case P50Column: return latency(t.p50);
    case P99Column: return latency(t.p99);
    case ErrorsColumn: return raw ? QVariant(t.errors) : QVariant(format::total(t.errors));
    case AbortsColumn: return raw ? QVariant(t.aborts) : QVariant(format::total(t.aborts));
    case BlockedColumn: return raw ? QVariant(t.blocked) : QVariant(format::total(t.blocked));
    }
    return {};
}

int RouteModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RouteModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RouteModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const bool traffic = index.column() >= RateColumn && index.column() <= BlockedColumn;
    const monitor::RouteTraffic &t = m_traffic.at(index.row());
    if (traffic && role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole) {
        if ((index.column() == ErrorsColumn && t.errors > 0) || (index.column() == BlockedColumn && t.blocked > 0))
            return format::color(format::Semantic::Error);
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    if (traffic)
        return trafficData(t, index.column(), role == SortRole);
    const monitor::Route &r = m_rows.at(index.row());
    switch (index.column()) {
    case PrefixColumn: return r.prefix;
    case AppColumn: return r.app;
    case PatternsColumn: return r.patterns.join(QStringLiteral(", "));
    case PluginColumn: return r.plugin;
    }
    return {};
}

QVariant RouteModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PrefixColumn: return tr("Prefix");
    case AppColumn: return tr("Application");
    case RateColumn: return tr("Requests/s");
    case P50Column: return tr("p50");
    case P99Column: return tr("p99");
    case ErrorsColumn: return tr("5xx");
    case AbortsColumn: return tr("Aborts");
    case BlockedColumn: return tr("Blocked");
    case PatternsColumn: return tr("Routes");
    case PluginColumn: return tr("Plugin file");
    }
    return {};
}

RoutesPage::RoutesPage(MonitorClient *client, QWidget *parent)
    : QWidget(parent), m_model(new RouteModel(this)),
      m_view(makeTableView(m_model, QStringLiteral("routeView"), RouteModel::PrefixColumn,
                           Qt::AscendingOrder, this)),
      m_note(new QLabel(tr("Waiting for the service…"), this))
{
    setObjectName(QStringLiteral("routesPage"));
    m_note->setObjectName(QStringLiteral("routeNote"));
    layOutNoteAboveTable(this, m_note, m_view);
    if (client) {
        connect(client, &MonitorClient::helloReceived, this, &RoutesPage::applyHello);
        connect(client, &MonitorClient::tickReceived, this, &RoutesPage::applyTick);
        connect(client, &MonitorClient::stateChanged, this, [this](MonitorClient::State state) {
            if (state == MonitorClient::State::Disconnected) {
                m_model->setRoutes({});
                m_note->setText(tr("Waiting for the service…"));
            }
        });
    }
}

void RoutesPage::applyHello(const monitor::Hello &hello)
{
    m_model->setRoutes(hello.routes.value_or(QList<monitor::Route>()));
    m_note->setText(hello.routes
                        ? tr("%1 mounted, as the service started (its hello).")
                              .arg(format::quantity(hello.routes->size(), tr("route"), tr("routes")))
                        : tr("The service does not list its routes (it is older than monitor protocol revision 5)."));
}

void RoutesPage::applyTick(const monitor::Tick &tick)
{
    m_model->applyTraffic(tick);
}

QString RoutesPage::noteText() const
{
    return m_note->text();
}

} // namespace afcgi::gui
