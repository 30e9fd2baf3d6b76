#include "requesttablemodel.h"

#include "format.h"

#include <QDateTime>
#include <QFont>
#include <QSet>

#include <algorithm>

namespace afcgi::gui {

using monitor::RequestInfo;

namespace {
// More scattered ranges than this per tick and the removal becomes one layout change plus one
// tail removal: each beginRemoveRows costs the sort proxy and the views O(rows), a layout change
// one re-sort. Measured with 10,000 rows behind a sorted proxy and a view (release build): both
// stay under ~20 ms per tick up to 2,000 ends per tick with this threshold.
constexpr int kMaxRemoveRanges = 32;
constexpr int kProgressShown = 250; // requests a tick reports progress for (MONITOR_PROTOCOL.md)

} // namespace

RequestTableModel::RequestTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void RequestTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

void RequestTableModel::setSnapshot(const QList<RequestInfo> &requests)
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    m_rows.reserve(requests.size());
    for (const RequestInfo &r : requests) {
        const auto it = m_index.constFind(keyOf(r));
        if (it != m_index.constEnd()) {
            m_rows[*it] = r; // a duplicate: the later entry wins
            continue;
        }
        m_index.insert(keyOf(r), int(m_rows.size()));
        m_rows.append(r);
    }
    m_nowMs = qMax(m_nowMs, QDateTime::currentMSecsSinceEpoch());
    endResetModel();
}

void RequestTableModel::applyTick(const monitor::Tick &tick)
{
    if (tick.timeMs > 0)
        m_nowMs = tick.timeMs;

    // Per (connection, request id), the tick's events alternate in time: a row that existed
    // can only end first, then each use of the id begins and may end again. So the id is active
    // afterwards if (existing row) + began - ended > 0, as its last "began". Counting, not
    // matching start times: the service derives those from different clocks.
    struct Change
    {
        int began = 0;
        int ended = 0;
        const RequestInfo *last = nullptr; // the latest began: the lists keep each worker's order
    };
    QHash<Key, Change> changes;
    QList<Key> order; // first appearance, so new rows keep the order in which they began
    const auto change = [&](const RequestInfo &r) -> Change & {
        const Key key = keyOf(r);
        auto it = changes.find(key);
        if (it == changes.end()) {
            it = changes.insert(key, Change{});
            order.append(key);
        }
        return *it;
    };
    for (const RequestInfo &b : tick.began) {
        Change &c = change(b);
        ++c.began;
        c.last = &b;
    }
    for (const RequestInfo &e : tick.ended)
        ++change(e).ended;

    QSet<int> removals;
    QList<RequestInfo> inserts;
    QHash<Key, qsizetype> insertAt;
    QList<int> updated;
    for (const Key &key : std::as_const(order)) {
        const Change &c = changes.value(key);
        const int row = m_index.value(key, -1);
        const bool active = (row >= 0 ? 1 : 0) + c.began - c.ended > 0;
        if (!active) {
            if (row >= 0)
                removals.insert(row);
        } else if (c.last && row >= 0) {
            m_rows[row] = *c.last; // a newer use of the id, or a stale row (its end fell to a cap)
            updated.append(row);
        } else if (c.last) {
            insertAt.insert(key, inserts.size());
            inserts.append(*c.last);
        }
    }

    // Aborted while still running: mark them.
    for (const RequestInfo &a : tick.aborted) {
        const Key key = keyOf(a);
        const int row = m_index.value(key, -1);
        if (row >= 0 && !removals.contains(row)) {
            if (m_rows.at(row).aborted)
                continue;
            m_rows[row].aborted = true;
            updated.append(row);
        } else if (const auto pending = insertAt.constFind(key); pending != insertAt.constEnd()) {
            inserts[*pending].aborted = true;
        }
    }
    // Progress of the longest-running requests: their bytes so far, and an abort the handler
    // has not acted on yet. Bytes go out with the per-tick signal below; an abort changes the
    // row's look, so it gets a row signal.
    for (const monitor::RequestProgress &p : tick.active) {
        const int row = m_index.value(Key{ p.connectionId, p.requestId }, -1);
        if (row < 0 || removals.contains(row))
            continue;
        RequestInfo &r = m_rows[row];
        r.bytesIn = p.bytesIn;
        r.bytesOut = p.bytesOut;
        r.status = p.status;
        r.note = p.note;
        if (p.aborted && !r.aborted) {
            r.aborted = true;
            updated.append(row);
        }
    }
    for (int row : std::as_const(updated))
        emitRowChanged(row);

    removeRowSet(QList<int>(removals.cbegin(), removals.cend()));

    if (!inserts.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(inserts.size()) - 1);
        for (RequestInfo &r : inserts) {
            m_index.insert(keyOf(r), int(m_rows.size()));
            m_rows.append(std::move(r));
        }
        endInsertRows();
    }

    // The ages move on, the bytes grow, notes change: one signal for those columns of all rows.
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, AgeColumn), index(int(m_rows.size()) - 1, NoteColumn),
                           { Qt::DisplayRole, SortRole });
}

int RequestTableModel::findRow(quint64 connectionId, quint16 requestId) const
{
    return m_index.value(Key{ connectionId, requestId }, -1);
}

void RequestTableModel::removeRowSet(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> ranges; // [first, last]
    for (int row : std::as_const(rows)) {
        if (!ranges.isEmpty() && ranges.last().second + 1 == row)
            ranges.last().second = row;
        else
            ranges.append({ row, row });
    }

    if (ranges.size() <= kMaxRemoveRanges) {
        for (auto it = ranges.crbegin(); it != ranges.crend(); ++it) {
            beginRemoveRows({}, it->first, it->second);
            for (int row = it->first; row <= it->second; ++row)
                m_index.remove(keyOf(m_rows.at(row)));
            m_rows.remove(it->first, it->second - it->first + 1);
            endRemoveRows();
        }
        reindexFrom(rows.first());
        return;
    }

    // Scattered: move the survivors to the front (order kept) in one layout change, then drop
    // the tail in one removal.
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::NoLayoutChangeHint);
    const int total = int(m_rows.size());
    const int survivors = total - int(rows.size());
    QList<int> newRow(total);
    QList<RequestInfo> reordered;
    reordered.reserve(total);
    {
        int next = 0, removedAt = survivors;
        qsizetype r = 0;
        for (int row = 0; row < total; ++row) {
            if (r < rows.size() && rows.at(r) == row) {
                newRow[row] = removedAt++;
                ++r;
            } else {
                newRow[row] = next++;
                reordered.append(std::move(m_rows[row]));
            }
        }
        for (int row : std::as_const(rows))
            reordered.append(std::move(m_rows[row]));
    }
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &i : from)
        to.append(index(newRow.at(i.row()), i.column()));
    changePersistentIndexList(from, to);
    m_rows = std::move(reordered);
    Q_EMIT layoutChanged({}, QAbstractItemModel::NoLayoutChangeHint);

    beginRemoveRows({}, survivors, total - 1);
    for (int row = survivors; row < total; ++row)
        m_index.remove(keyOf(m_rows.at(row)));
    m_rows.resize(survivors);
    endRemoveRows();
    reindexFrom(0);
}

void RequestTableModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_index[keyOf(m_rows.at(i))] = i;
}

void RequestTableModel::emitRowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int RequestTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RequestTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestInfo &r = m_rows.at(index.row());
    const qint64 age = qMax<qint64>(0, m_nowMs - r.startMs);
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case ConnectionColumn: return r.connectionId;
        case RequestColumn: return r.requestId;
        case RoleColumn: return r.role;
        case MethodColumn: return r.method;
        case UriColumn: return r.uri;
        case NoteColumn: return r.note;
        case AgeColumn: return role == SortRole ? QVariant(age) : QVariant(format::duration(age));
        case BytesInColumn:
            return role == SortRole ? QVariant(r.bytesIn) : QVariant(format::bytes(double(r.bytesIn)));
        case BytesOutColumn:
            return role == SortRole ? QVariant(r.bytesOut) : QVariant(format::bytes(double(r.bytesOut)));
        }
        break;
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case ConnectionColumn:
        case RequestColumn:
        case AgeColumn:
        case BytesInColumn:
        case BytesOutColumn:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        break;
    case Qt::ForegroundRole:
        if (r.aborted)
            return format::color(format::Semantic::Error);
        break;
    case Qt::FontRole:
        if (r.aborted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        break;
    case Qt::ToolTipRole:
        if (r.aborted)
            return tr("Aborted by the web server; the handler has not ended it yet");
        if (index.column() == UriColumn)
            return r.uri;
        if (index.column() == NoteColumn && !r.note.isEmpty())
            return tr("%1 (updated at every tick for the %2 longest-running requests)")
                .arg(r.note)
                .arg(kProgressShown);
        if (index.column() == BytesInColumn || index.column() == BytesOutColumn)
            return tr("So far. Updated at every tick for the %1 longest-running requests; the "
                      "others show what they had when they began.")
                .arg(kProgressShown);
        break;
    case AbortedRole:
        return r.aborted;
    }
    return {};
}

QVariant RequestTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case ConnectionColumn: return tr("Connection");
    case RequestColumn: return tr("Request");
    case RoleColumn: return tr("Role");
    case MethodColumn: return tr("Method");
    case UriColumn: return tr("URI");
    case NoteColumn: return tr("Note");
    case AgeColumn: return tr("Age");
    case BytesInColumn: return tr("Bytes in");
    case BytesOutColumn: return tr("Bytes out");
    }
    return {};
}

} // namespace afcgi::gui
