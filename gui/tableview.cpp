#include "tableview.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <algorithm>

namespace afcgi::gui {

QTableView *makeTableView(QAbstractItemModel *model, const QString &name, int sortColumn,
                          Qt::SortOrder order, QWidget *parent)
{
    auto *view = new QTableView(parent);
    auto *proxy = new QSortFilterProxyModel(view);
    proxy->setSourceModel(model);
    proxy->setSortRole(Qt::UserRole); // every model's SortRole
    view->setObjectName(name);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, order);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 4);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionsMovable(true);
    return view;
}

QList<int> selectedSourceRows(const QTableView *view)
{
    QList<int> rows;
    const auto *proxy = qobject_cast<const QSortFilterProxyModel *>(view->model());
    if (!proxy || !view->selectionModel())
        return rows;
    for (const QModelIndex &index : view->selectionModel()->selectedRows())
        rows.append(proxy->mapToSource(index).row());
    std::sort(rows.begin(), rows.end());
    return rows;
}

} // namespace afcgi::gui
