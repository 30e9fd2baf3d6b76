#include "logfilterproxy.h"

#include "logmodel.h"

namespace afcgi::gui {

LogFilterProxy::LogFilterProxy(QObject *parent) : QSortFilterProxyModel(parent) {}

void LogFilterProxy::setMinimumLevel(int level)
{
    if (m_minimumLevel == level)
        return;
    m_minimumLevel = level;
    invalidateFilter();
}

void LogFilterProxy::setSearchText(const QString &text)
{
    if (m_search == text)
        return;
    m_search = text;
    invalidateFilter();
}

bool LogFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    const QModelIndex level = source->index(sourceRow, LogModel::LevelColumn, sourceParent);
    if (source->data(level, LogModel::LevelRole).toInt() < m_minimumLevel)
        return false;
    if (m_search.isEmpty())
        return true;
    for (int column : { LogModel::MessageColumn, LogModel::CategoryColumn }) {
        const QModelIndex i = source->index(sourceRow, column, sourceParent);
        if (source->data(i).toString().contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace afcgi::gui
