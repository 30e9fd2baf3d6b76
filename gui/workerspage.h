#pragma once

#include "monitorprotocol.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <optional>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class MonitorClient;

// The service's worker threads, one row each, from each tick's `workers` (monitor protocol r6):
// connections and requests in flight now, and over the tick's interval its requests per second,
// its share of a core and how late its event loop ran. Rates come from two ticks in a row.
// (r7) Blocked counts the turns of its loop that ran past the service's --blocked-turn-ms; a
// worker whose count rose in the last kFlagMs is flagged (its row highlighted).
class WorkerModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        WorkerColumn, ConnectionsColumn, InFlightColumn, RequestsColumn, CpuColumn, LagColumn,
        BlockedColumn, ColumnCount
    };
    static constexpr qint64 kFlagMs = 10000;
    enum Role { SortRole = Qt::UserRole };

    struct Row
    {
        afcgi::monitor::WorkerGauge gauge;
        double requestsPerSecond = 0;
        double cpuShare = 0; // of one core, 0..1
        qint64 flaggedUntilMs = 0; // the service's clock: blocked rose, highlighted until then
        bool flagged = false;      // at the last tick
    };

    explicit WorkerModel(QObject *parent = nullptr);

    // A tick's workers; false when it did not tell them (an older service): the rows are cleared.
    bool applyTick(const afcgi::monitor::Tick &tick);
    void clear();
    const Row &rowAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

// The Workers tab: the table, and a line that says what it shows or why it is empty.
class WorkersPage final : public QWidget
{
    Q_OBJECT
public:
    explicit WorkersPage(MonitorClient *client, QWidget *parent = nullptr);

    WorkerModel *model() const { return m_model; }
    QString noteText() const;
    void applyTick(const afcgi::monitor::Tick &tick);

private:
    WorkerModel *m_model;
    QTableView *m_view;
    QLabel *m_note;
    std::optional<bool> m_told; // whether the ticks tell the workers; nullopt before the first
};

} // namespace afcgi::gui
