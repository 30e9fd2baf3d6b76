#include "settingsmodel.h"

namespace afcgi::gui {

SettingsModel::SettingsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void SettingsModel::setSettings(const QList<monitor::Setting> &settings)
{
    beginResetModel();
    m_rows = settings;
    endResetModel();
}

int SettingsModel::findRow(const QString &key) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).key == key)
            return row;
    }
    return -1;
}

int SettingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SettingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SettingsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const monitor::Setting &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case KeyColumn: return s.key;
        case ValueColumn:
            return s.value.isEmpty() && role == Qt::DisplayRole ? tr("(unset)") : s.value;
        case OriginColumn: return s.origin;
        case LiveColumn:
            if (role == SortRole)
                return s.live;
            return s.live ? tr("yes") : tr("at restart");
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == LiveColumn)
            return s.live ? tr("Set limit… changes it while the service runs")
                          : tr("Takes effect when the service starts again");
        break;
    }
    return {};
}

QVariant SettingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn: return tr("Setting");
    case ValueColumn: return tr("Value");
    case OriginColumn: return tr("From");
    case LiveColumn: return tr("Live");
    }
    return {};
}

} // namespace afcgi::gui
