#include "tableview.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

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

void layOutNoteAboveTable(QWidget *page, QLabel *note, QTableView *view)
{
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(note);
    layout->addWidget(view, 1);
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

void keepSelectionAcrossResets(QTableView *view, const QList<int> &keyColumns)
{
    QAbstractItemModel *model = view->model();
    const auto keyOf = [model, keyColumns](int row) {
        QVariantList key;
        for (int column : keyColumns)
            key.append(model->index(row, column).data(Qt::UserRole));
        return key;
    };
    auto selectedKeys = std::make_shared<QList<QVariantList>>();
    QObject::connect(model, &QAbstractItemModel::modelAboutToBeReset, view, [view, keyOf, selectedKeys] {
        selectedKeys->clear();
        if (!view->selectionModel())
            return;
        for (const QModelIndex &index : view->selectionModel()->selectedRows())
            selectedKeys->append(keyOf(index.row()));
    });
    QObject::connect(model, &QAbstractItemModel::modelReset, view, [view, model, keyOf, selectedKeys] {
        if (selectedKeys->isEmpty() || !view->selectionModel())
            return;
        QItemSelection selection;
        for (int row = 0; row < model->rowCount(); ++row) {
            if (selectedKeys->contains(keyOf(row)))
                selection.select(model->index(row, 0), model->index(row, model->columnCount() - 1));
        }
        selectedKeys->clear();
        view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    });
}

} // namespace afcgi::gui
