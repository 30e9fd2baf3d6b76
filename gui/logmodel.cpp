#include "logmodel.h"

#include "format.h"

#include <QDateTime>

namespace afcgi::gui {

using monitor::LogEntry;

LogModel::LogModel(QObject *parent) : QAbstractTableModel(parent), m_ring(kDefaultCapacity) {}

LogModel::Level LogModel::levelFromString(const QString &level)
{
    if (level.compare(QLatin1String("debug"), Qt::CaseInsensitive) == 0)
        return Debug;
    if (level.compare(QLatin1String("warning"), Qt::CaseInsensitive) == 0)
        return Warning;
    if (level.compare(QLatin1String("error"), Qt::CaseInsensitive) == 0
        || level.compare(QLatin1String("critical"), Qt::CaseInsensitive) == 0
        || level.compare(QLatin1String("fatal"), Qt::CaseInsensitive) == 0)
        return Error;
    return Info;
}

QString LogModel::levelName(int level)
{
    switch (level) {
    case Debug: return QStringLiteral("debug");
    case Info: return QStringLiteral("info");
    case Warning: return QStringLiteral("warning");
    case Error: return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

void LogModel::setCapacity(int capacity)
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
    if (m_pending.size() > capacity)
        m_pending.remove(0, m_pending.size() - capacity);
}

void LogModel::append(const monitor::LogBatch &batch)
{
    QList<LogEntry> entries = batch.entries;
    if (batch.dropped > 0) {
        const qint64 time = entries.isEmpty() ? QDateTime::currentMSecsSinceEpoch()
                                              : entries.last().timeMs;
        entries.append({ time, levelName(Warning), QLatin1String(kMonitorCategory),
                         tr("%1 dropped by the service's rate limit")
                             .arg(format::quantity(batch.dropped, tr("log line"), tr("log lines"))) });
    }
    append(entries);
}

void LogModel::append(const QList<LogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    if (m_paused) {
        m_pending += entries;
        if (m_pending.size() > m_ring.capacity())
            m_pending.remove(0, m_pending.size() - m_ring.capacity());
        Q_EMIT pendingCountChanged(int(m_pending.size()));
        return;
    }
    insert(entries);
}

void LogModel::appendLocal(Level level, const QString &message)
{
    append(QList<LogEntry>{ { QDateTime::currentMSecsSinceEpoch(), levelName(level),
                              QLatin1String(kMonitorCategory), message } });
}

void LogModel::insert(const QList<LogEntry> &entries)
{
    const qsizetype take = qMin<qsizetype>(entries.size(), m_ring.capacity());
    const qsizetype overflow = m_ring.size() + take - m_ring.capacity();
    if (overflow > 0) { // drop the oldest first
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_ring.dropOldest(overflow);
        endRemoveRows();
    }
    const int first = int(m_ring.size());
    beginInsertRows({}, first, first + int(take) - 1);
    for (qsizetype i = entries.size() - take; i < entries.size(); ++i)
        m_ring.push(entries.at(i));
    endInsertRows();
}

void LogModel::clear()
{
    const bool hadPending = !m_pending.isEmpty();
    m_pending.clear();
    if (!m_ring.isEmpty()) {
        beginResetModel();
        m_ring.clear();
        endResetModel();
    }
    if (hadPending)
        Q_EMIT pendingCountChanged(0);
}

void LogModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused && !m_pending.isEmpty()) {
        const QList<LogEntry> pending = std::exchange(m_pending, {});
        insert(pending);
        Q_EMIT pendingCountChanged(0);
    }
}

QString LogModel::lineAt(int row) const
{
    const LogEntry &e = m_ring.at(row);
    return QStringLiteral("%1 %2 %3: %4")
        .arg(QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(Qt::ISODateWithMs), e.level,
             e.category, e.message);
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ring.size());
}

int LogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogEntry &e = m_ring.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case LevelColumn: return e.level;
        case CategoryColumn: return e.category;
        case MessageColumn: return e.message;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(Qt::ISODateWithMs);
        if (index.column() == MessageColumn)
            return e.message;
        break;
    case Qt::ForegroundRole:
        switch (levelFromString(e.level)) {
        case Error: return format::color(format::Semantic::Error);
        case Warning: return format::color(format::Semantic::Warning);
        case Debug: return format::color(format::Semantic::Muted);
        case Info: break;
        }
        break;
    case LevelRole:
        return int(levelFromString(e.level));
    case TimeRole:
        return e.timeMs;
    }
    return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return tr("Time");
    case LevelColumn: return tr("Level");
    case CategoryColumn: return tr("Category");
    case MessageColumn: return tr("Message");
    }
    return {};
}

} // namespace afcgi::gui
