#include "servicelistmodel.h"

#include "format.h"

#include <QGuiApplication>
#include <QPalette>

namespace afcgi::gui {

namespace {
bool isLive(ServiceState::Phase phase)
{
    return phase == ServiceState::Phase::Running || phase == ServiceState::Phase::Draining;
}
} // namespace

QString ServiceListModel::phaseName(ServiceState::Phase phase)
{
    switch (phase) {
    case ServiceState::Phase::Running:
        return tr("Running");
    case ServiceState::Phase::Draining:
        return tr("Draining");
    case ServiceState::Phase::Disconnected:
        return tr("Disconnected");
    case ServiceState::Phase::Connecting:
        break;
    }
    return tr("Connecting");
}

int ServiceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ServiceListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: {
        QString second = phaseName(row.phase);
        if (isLive(row.phase))
            second += QStringLiteral(" · %1 req/s").arg(format::count(row.rate));
        return row.entry.title + QLatin1Char('\n') + second;
    }
    case Qt::ToolTipRole:
        return row.entry.description();
    case Qt::ForegroundRole:
        // A service that is not there is shown dimmed; its history stays.
        if (!isLive(row.phase))
            return QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text);
        return {};
    case PhaseRole:
        return QVariant::fromValue(row.phase);
    case RateRole:
        return row.rate;
    case RemoteRole:
        return row.entry.isRemote();
    case KeyRole:
        return row.entry.key();
    default:
        return {};
    }
}

int ServiceListModel::add(const ServiceEntry &entry)
{
    if (rowOf(entry.key()) >= 0)
        return -1;
    const int row = int(m_rows.size());
    beginInsertRows(QModelIndex(), row, row);
    m_rows.append(Row{ entry, ServiceState::Phase::Connecting, 0 });
    endInsertRows();
    return row;
}

void ServiceListModel::remove(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows(QModelIndex(), row, row);
    m_rows.removeAt(row);
    endRemoveRows();
}

int ServiceListModel::rowOf(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).entry.key() == key)
            return row;
    }
    return -1;
}

void ServiceListModel::setPhase(int row, ServiceState::Phase phase)
{
    if (m_rows[row].phase == phase)
        return;
    m_rows[row].phase = phase;
    if (!isLive(phase))
        m_rows[row].rate = 0;
    Q_EMIT dataChanged(index(row), index(row));
}

void ServiceListModel::setRate(int row, double requestsPerSecond)
{
    if (m_rows[row].rate == requestsPerSecond)
        return;
    m_rows[row].rate = requestsPerSecond;
    Q_EMIT dataChanged(index(row), index(row));
}

} // namespace afcgi::gui
