#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>

namespace afcgi::gui {

// The service's effective configuration as its `config` answer lists it (monitor protocol r4):
// one row per setting with its value, where the value came from (default, command line, config
// file, reload, monitor) and whether set-limit can change it while the service runs. Read-only:
// a new answer replaces the rows.
class SettingsModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, ValueColumn, OriginColumn, LiveColumn, ColumnCount };
    enum Role { SortRole = Qt::UserRole };

    explicit SettingsModel(QObject *parent = nullptr);

    void setSettings(const QList<afcgi::monitor::Setting> &settings);
    const afcgi::monitor::Setting &settingAt(int row) const { return m_rows.at(row); }
    int findRow(const QString &key) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<afcgi::monitor::Setting> m_rows;
};

} // namespace afcgi::gui
