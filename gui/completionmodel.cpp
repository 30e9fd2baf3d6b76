#include "completionmodel.h"

#include "format.h"

#include <QDateTime>
#include <QFont>

namespace afcgi::gui {

using monitor::RequestInfo;

CompletionModel::CompletionModel(QObject *parent)
    : QAbstractTableModel(parent), m_ring(kDefaultCapacity)
{
}

void CompletionModel::setCapacity(int capacity)
{
    capacity = qMax(1, capacity);
    const qsizetype overflow = m_ring.size() - capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_ring.setCapacity(capacity);
        endRemoveRows();
    } else {
        m_ring.setCapacity(capacity);
    }
}

void CompletionModel::addCompleted(const QList<RequestInfo> &ended)
{
    if (ended.isEmpty())
        return;
    // More than fit: only the newest ones are kept.
    const qsizetype take = qMin<qsizetype>(ended.size(), m_ring.capacity());
    const qsizetype overflow = m_ring.size() + take - m_ring.capacity();
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_ring.dropOldest(overflow);
        endRemoveRows();
    }
    const int first = int(m_ring.size());
    beginInsertRows({}, first, first + int(take) - 1);
    for (qsizetype i = ended.size() - take; i < ended.size(); ++i)
        m_ring.push(ended.at(i));
    endInsertRows();
}

void CompletionModel::clear()
{
    if (m_ring.isEmpty())
        return;
    beginResetModel();
    m_ring.clear();
    endResetModel();
}

int CompletionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ring.size());
}

int CompletionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CompletionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RequestInfo &r = m_ring.at(index.row());
    const qint64 endedMs = r.startMs + r.durationMs;
    switch (role) {
    case Qt::DisplayRole:
    case SortRole:
        switch (index.column()) {
        case EndedColumn:
            if (role == SortRole)
                return endedMs;
            return QDateTime::fromMSecsSinceEpoch(endedMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case ConnectionColumn: return r.connectionId;
        case RequestColumn: return r.requestId;
        case MethodColumn: return r.method;
        case UriColumn: return r.uri;
        case StatusColumn:
            if (role == SortRole)
                return r.status;
            if (r.aborted)
                return r.status ? tr("%1 (aborted)").arg(r.status) : tr("aborted");
            return r.status ? QVariant(r.status) : QVariant(QStringLiteral("–"));
        case DurationColumn:
            return role == SortRole ? QVariant(r.durationMs) : QVariant(format::duration(r.durationMs));
        case BytesInColumn:
            return role == SortRole ? QVariant(r.bytesIn) : QVariant(format::bytes(double(r.bytesIn)));
        case BytesOutColumn:
            return role == SortRole ? QVariant(r.bytesOut) : QVariant(format::bytes(double(r.bytesOut)));
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() != MethodColumn && index.column() != UriColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (r.aborted || r.status >= 500)
            return format::color(format::Semantic::Error);
        if (r.status >= 400)
            return format::color(format::Semantic::Warning);
        break;
    case Qt::FontRole:
        if (r.aborted) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == UriColumn)
            return r.uri;
        if (index.column() == EndedColumn)
            return QDateTime::fromMSecsSinceEpoch(endedMs).toString(Qt::ISODateWithMs);
        break;
    case AbortedRole:
        return r.aborted;
    }
    return {};
}

QVariant CompletionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case EndedColumn: return tr("Ended");
    case ConnectionColumn: return tr("Connection");
    case RequestColumn: return tr("Request");
    case MethodColumn: return tr("Method");
    case UriColumn: return tr("URI");
    case StatusColumn: return tr("Status");
    case DurationColumn: return tr("Duration");
    case BytesInColumn: return tr("Bytes in");
    case BytesOutColumn: return tr("Bytes out");
    }
    return {};
}

} // namespace afcgi::gui
