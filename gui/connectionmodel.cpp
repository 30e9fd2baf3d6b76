#include "connectionmodel.h"

#include "format.h"
#include "requesttablemodel.h"

#include <QStringList>

#include <algorithm>

namespace afcgi::gui {

using monitor::ConnectionInfo;

namespace {
// Past this many connections changing at once, one dataChanged covers all rows.
constexpr int kMaxRowSignals = 64;
} // namespace

ConnectionModel::ConnectionModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConnectionModel::setRequestModel(RequestTableModel *requests)
{
    if (m_requests)
        m_requests->disconnect(this);
    m_requests = requests;
    if (requests) {
        connect(requests, &QAbstractItemModel::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { onRequestsInserted(first, last); });
        connect(requests, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [this](const QModelIndex &, int first, int last) {
                    onRequestsAboutToBeRemoved(first, last);
                });
        connect(requests, &QAbstractItemModel::dataChanged, this, &ConnectionModel::onRequestsChanged);
        connect(requests, &QAbstractItemModel::modelReset, this, &ConnectionModel::rebuildInFlight);
        // A layout change only reorders rows: the set of requests stays the same.
    }
    rebuildInFlight();
}

void ConnectionModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_gauges.clear();
    m_haveGauges = false;
    endResetModel();
}

void ConnectionModel::setSnapshot(const monitor::Snapshot &snapshot)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    // Until the next tick's gauges, the snapshot's requests are the truth.
    m_gauges.clear();
    m_haveGauges = false;
    for (const ConnectionInfo &c : snapshot.connections) {
        if (const auto it = m_index.constFind(c.connectionId); it != m_index.constEnd()) {
            m_rows[*it] = c;
            continue;
        }
        m_index.insert(c.connectionId, int(m_rows.size()));
        m_rows.append(c);
    }
    endResetModel();
}

void ConnectionModel::applyTick(const monitor::Tick &tick)
{
    if (tick.timeMs > 0)
        m_nowMs = tick.timeMs;
    // Ids are never reused, so a connection both opened and closed in this tick (one request per
    // connection, as lighttpd and Caddy do) came and went: it never gets a row.
    const QSet<quint64> closed(tick.connectionsClosed.cbegin(), tick.connectionsClosed.cend());
    removeConnections(tick.connectionsClosed);

    QList<ConnectionInfo> appends;
    for (const ConnectionInfo &c : tick.connectionsOpened) {
        if (!closed.contains(c.connectionId))
            upsert(c, &appends);
    }
    // A connection with output queued that we have not seen open (its "opened" fell to the cap).
    for (const ConnectionInfo &c : tick.queued) {
        if (!m_index.contains(c.connectionId) && !closed.contains(c.connectionId))
            upsert(c, &appends);
    }
    if (!appends.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(appends.size()) - 1);
        for (const ConnectionInfo &c : std::as_const(appends)) {
            m_index.insert(c.connectionId, int(m_rows.size()));
            m_rows.append(c);
        }
        endInsertRows();
    }

    m_haveGauges = tick.inFlight.has_value();
    m_gauges.clear();
    if (tick.inFlight) {
        for (const monitor::ConnectionGauge &g : *tick.inFlight)
            m_gauges.insert(g.connectionId, g);
    }

    // tick.queued lists every connection with output queued now; the others have none.
    QHash<quint64, qint64> queued;
    for (const ConnectionInfo &c : tick.queued)
        queued.insert(c.connectionId, c.queuedBytes);
    for (ConnectionInfo &row : m_rows)
        row.queuedBytes = queued.value(row.connectionId, 0);

    m_inFlightDirty.clear(); // covered by the signal below
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, AgeColumn), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

void ConnectionModel::upsert(const ConnectionInfo &info, QList<ConnectionInfo> *appends)
{
    const int row = m_index.value(info.connectionId, -1);
    if (row >= 0) {
        m_rows[row] = info;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    const auto pending = std::find_if(appends->begin(), appends->end(), [&](const ConnectionInfo &c) {
        return c.connectionId == info.connectionId;
    });
    if (pending != appends->end())
        *pending = info;
    else
        appends->append(info);
}

void ConnectionModel::removeConnections(const QList<quint64> &ids)
{
    QList<int> rows;
    for (quint64 id : ids) {
        const int row = m_index.value(id, -1);
        if (row >= 0)
            rows.append(row);
    }
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // One removal per contiguous range, from the bottom so that earlier rows keep their numbers.
    int last = rows.last();
    for (qsizetype i = rows.size() - 1; i >= 0; --i) {
        const int row = rows.at(i);
        if (i > 0 && rows.at(i - 1) == row - 1)
            continue;
        beginRemoveRows({}, row, last);
        for (int r = row; r <= last; ++r)
            m_index.remove(m_rows.at(r).connectionId);
        m_rows.remove(row, last - row + 1);
        endRemoveRows();
        if (i > 0)
            last = rows.at(i - 1);
    }
    reindexFrom(rows.first());
}

void ConnectionModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_index[m_rows.at(i).connectionId] = i;
}

void ConnectionModel::onRequestsInserted(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const monitor::RequestInfo &r = m_requests->requestAt(row);
        m_inFlight[r.connectionId].insert(r.requestId, r.aborted);
        m_inFlightDirty.insert(r.connectionId);
    }
    flushInFlightChanges();
}

void ConnectionModel::onRequestsAboutToBeRemoved(int first, int last)
{
    for (int row = first; row <= last; ++row) {
        const monitor::RequestInfo &r = m_requests->requestAt(row);
        const auto it = m_inFlight.find(r.connectionId);
        if (it == m_inFlight.end())
            continue;
        it->remove(r.requestId);
        if (it->isEmpty())
            m_inFlight.erase(it);
        m_inFlightDirty.insert(r.connectionId);
    }
    flushInFlightChanges();
}

void ConnectionModel::onRequestsChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                        const QList<int> &roles)
{
    // The per-tick age update carries explicit roles without AbortedRole and is skipped cheaply.
    if (!roles.isEmpty() && !roles.contains(RequestTableModel::AbortedRole))
        return;
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const monitor::RequestInfo &r = m_requests->requestAt(row);
        m_inFlight[r.connectionId].insert(r.requestId, r.aborted);
        m_inFlightDirty.insert(r.connectionId);
    }
    flushInFlightChanges();
}

void ConnectionModel::rebuildInFlight()
{
    m_inFlight.clear();
    if (m_requests) {
        for (int row = 0; row < m_requests->rowCount(); ++row) {
            const monitor::RequestInfo &r = m_requests->requestAt(row);
            m_inFlight[r.connectionId].insert(r.requestId, r.aborted);
        }
    }
    m_inFlightDirty.clear();
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, InFlightColumn), index(int(m_rows.size()) - 1, RequestIdsColumn));
}

void ConnectionModel::flushInFlightChanges()
{
    if (m_inFlightDirty.isEmpty() || m_rows.isEmpty()) {
        m_inFlightDirty.clear();
        return;
    }
    if (m_inFlightDirty.size() > kMaxRowSignals) {
        Q_EMIT dataChanged(index(0, InFlightColumn), index(int(m_rows.size()) - 1, RequestIdsColumn));
    } else {
        for (quint64 id : std::as_const(m_inFlightDirty)) {
            const int row = m_index.value(id, -1);
            if (row >= 0)
                Q_EMIT dataChanged(index(row, InFlightColumn), index(row, RequestIdsColumn));
        }
    }
    m_inFlightDirty.clear();
}

int ConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 ConnectionModel::inFlightCount(quint64 connectionId) const
{
    if (m_haveGauges)
        return m_gauges.value(connectionId).requests;
    return m_inFlight.value(connectionId).size();
}

QStringList ConnectionModel::idList(quint64 connectionId, int limit, const QString &abortedMark) const
{
    const QMap<quint16, bool> known = m_inFlight.value(connectionId);
    QStringList ids;
    if (m_haveGauges) {
        const monitor::ConnectionGauge gauge = m_gauges.value(connectionId);
        for (quint16 id : gauge.requestIds)
            ids.append(QString::number(id) + (known.value(id) ? abortedMark : QString()));
        if (gauge.requests > ids.size())
            ids.append(tr("… (%1 of %2)").arg(ids.size()).arg(gauge.requests));
        return ids;
    }
    for (auto it = known.cbegin(); it != known.cend() && ids.size() < limit; ++it)
        ids.append(QString::number(it.key()) + (it.value() ? abortedMark : QString()));
    if (known.size() > ids.size())
        ids.append(tr("… (+%1)").arg(known.size() - ids.size()));
    return ids;
}

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConnectionInfo &c = m_rows.at(index.row());
    const auto flight = m_inFlight.constFind(c.connectionId);
    const qint64 inFlightCount = this->inFlightCount(c.connectionId);
    const qint64 waiting = m_gauges.value(c.connectionId).waiting;
    const bool anyAborted = flight != m_inFlight.constEnd()
        && std::any_of(flight->cbegin(), flight->cend(), [](bool aborted) { return aborted; });
    const qint64 age = m_nowMs > 0 && c.openedMs > 0 ? qMax<qint64>(0, m_nowMs - c.openedMs) : 0;

    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case ConnectionColumn: return c.connectionId;
        case PeerColumn: return c.peer;
        case ListenerColumn: return c.listener;
        case AgeColumn: return role == SortRole ? QVariant(age) : QVariant(format::duration(age));
        case InFlightColumn:
            if (role == SortRole || waiting == 0)
                return inFlightCount;
            return tr("%1 + %2 waiting").arg(format::total(inFlightCount), format::total(waiting));
        case RequestIdsColumn:
            if (role == SortRole)
                return inFlightCount;
            return idList(c.connectionId, kMaxIdsShown, QStringLiteral("!")).join(QLatin1String(", "));
        case QueuedColumn:
            return role == SortRole ? QVariant(c.queuedBytes)
                                    : QVariant(format::bytes(double(c.queuedBytes)));
        }
        break;
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ConnectionColumn:
        case AgeColumn:
        case InFlightColumn:
        case QueuedColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == RequestIdsColumn && anyAborted)
            return format::color(format::Semantic::Error);
        break;
    case Qt::ToolTipRole:
        if (index.column() == RequestIdsColumn && inFlightCount > 0) {
            QString tip = idList(c.connectionId, 1000, tr(" (aborted)")).join(QLatin1String("\n"));
            if (m_haveGauges)
                tip += QLatin1Char('\n') + tr("a sample: the lowest ids of the requests in flight");
            if (anyAborted)
                tip += QLatin1Char('\n') + tr("aborted requests are still running in their handlers");
            return tip;
        }
        if (index.column() == InFlightColumn)
            return m_haveGauges ? tr("Counted by the service at the last tick")
                                : tr("The requests of the Requests tab on this connection");
        break;
    case AbortedInFlightRole:
        return anyAborted;
    }
    return {};
}

QVariant ConnectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ConnectionColumn: return tr("Connection");
    case PeerColumn: return tr("Peer");
    case ListenerColumn: return tr("Listener");
    case AgeColumn: return tr("Age");
    case InFlightColumn: return tr("In flight");
    case RequestIdsColumn: return tr("Request ids (lowest; ! = aborted)");
    case QueuedColumn: return tr("Queued");
    }
    return {};
}

} // namespace afcgi::gui
