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
    endResetModel();
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
    if (!index.isValid() || index.row() >= m_rows.size() || (role != Qt::DisplayRole && role != SortRole))
        return {};
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

QString RoutesPage::noteText() const
{
    return m_note->text();
}

} // namespace afcgi::gui
