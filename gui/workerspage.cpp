#include "workerspage.h"

#include "format.h"
#include "monitorclient.h"
#include "tableview.h"

#include <QLabel>
#include <QTableView>

namespace afcgi::gui {

WorkerModel::WorkerModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

bool WorkerModel::applyTick(const monitor::Tick &tick)
{
    if (!tick.workers) {
        clear();
        return false;
    }
    const double seconds = double(qMax<qint64>(1, tick.intervalMs)) / 1000.0;
    QList<Row> rows;
    rows.reserve(tick.workers->size());
    for (const monitor::WorkerGauge &gauge : *tick.workers) {
        Row row;
        row.gauge = gauge;
        // Rows are in worker order, so the previous tick's row of this worker is at its position.
        // Counters that went back mean a restarted service: no rate until the next tick.
        const qsizetype at = rows.size();
        if (at < m_rows.size() && m_rows.at(at).gauge.worker == gauge.worker) {
            const monitor::WorkerGauge &before = m_rows.at(at).gauge;
            if (gauge.requests >= before.requests && gauge.cpuMs >= before.cpuMs) {
                row.requestsPerSecond = double(gauge.requests - before.requests) / seconds;
                row.cpuShare = double(gauge.cpuMs - before.cpuMs) / 1000.0 / seconds;
            }
            row.flaggedUntilMs = gauge.blocked > before.blocked ? tick.timeMs + kFlagMs
                                                                      : m_rows.at(at).flaggedUntilMs;
        } else if (gauge.blocked > 0) {
            row.flaggedUntilMs = tick.timeMs + kFlagMs; // first seen with stalls: flag them
        }
        row.flagged = tick.timeMs < row.flaggedUntilMs;
        rows.append(row);
    }
    if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
    } else if (!rows.isEmpty()) {
        m_rows = std::move(rows);
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
    }
    return true;
}

void WorkerModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int WorkerModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int WorkerModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == Qt::TextAlignmentRole)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole)
        return r.flagged ? QVariant(format::color(format::Semantic::Error)) : QVariant();
    if (role == Qt::ToolTipRole && r.flagged)
        return tr("A handler blocked this worker's event loop: every connection on it waited (see the log).");
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    const bool raw = role == SortRole;
    switch (index.column()) {
    case WorkerColumn: return raw ? QVariant(r.gauge.worker) : QVariant(QStringLiteral("afcgi-worker-%1").arg(r.gauge.worker));
    case ConnectionsColumn: return raw ? QVariant(r.gauge.connections) : QVariant(format::total(r.gauge.connections));
    case InFlightColumn: return raw ? QVariant(r.gauge.inFlight) : QVariant(format::total(r.gauge.inFlight));
    case RequestsColumn: return raw ? QVariant(r.requestsPerSecond) : QVariant(format::perSecond(r.requestsPerSecond));
    case CpuColumn:
        return raw ? QVariant(r.cpuShare) : QVariant(QStringLiteral("%1 %").arg(qRound(r.cpuShare * 100)));
    case LagColumn: return raw ? QVariant(r.gauge.lagMs) : QVariant(format::latency(double(r.gauge.lagMs)));
    case BlockedColumn: return raw ? QVariant(r.gauge.blocked) : QVariant(format::total(r.gauge.blocked));
    }
    return {};
}

QVariant WorkerModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case WorkerColumn: return tr("Worker");
    case ConnectionsColumn: return tr("Connections");
    case InFlightColumn: return tr("In flight");
    case RequestsColumn: return tr("Requests/s");
    case CpuColumn: return tr("CPU");
    case LagColumn: return tr("Loop lag");
    case BlockedColumn: return tr("Blocked");
    }
    return {};
}

WorkersPage::WorkersPage(MonitorClient *client, QWidget *parent)
    : QWidget(parent), m_model(new WorkerModel(this)),
      m_view(makeTableView(m_model, QStringLiteral("workerView"), WorkerModel::WorkerColumn,
                           Qt::AscendingOrder, this)),
      m_note(new QLabel(tr("Waiting for the service…"), this))
{
    setObjectName(QStringLiteral("workersPage"));
    m_note->setObjectName(QStringLiteral("workerNote"));
    layOutNoteAboveTable(this, m_note, m_view);
    if (client) {
        connect(client, &MonitorClient::tickReceived, this, &WorkersPage::applyTick);
        connect(client, &MonitorClient::stateChanged, this, [this](MonitorClient::State state) {
            if (state != MonitorClient::State::Connected) {
                m_model->clear();
                m_told.reset();
                m_note->setText(tr("Waiting for the service…"));
            }
        });
    }
}

void WorkersPage::applyTick(const monitor::Tick &tick)
{
    const bool told = m_model->applyTick(tick);
    if (m_told == told)
        return; // the note already says so
    m_told = told;
    m_note->setText(told ? tr("Each worker thread at every tick: requests per second and CPU over the tick's "
                              "interval; loop lag is how long the tick waited for the worker's event loop; blocked counts "
                              "the turns a handler held it past the service's --blocked-turn-ms (red for 10 s after one).")
                         : tr("The service does not report its workers (it is older than monitor protocol revision 6)."));
}

QString WorkersPage::noteText() const
{
    return m_note->text();
}

} // namespace afcgi::gui
