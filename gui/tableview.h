#pragma once

#include <QList>
#include <Qt>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QString;
class QTableView;
class QWidget;
QT_END_NAMESPACE

namespace afcgi::gui {

// A table in the monitor's style over one of its models: sorted through a proxy on the models'
// SortRole (Qt::UserRole: raw numbers sort as numbers), whole rows selected, alternating
// colours, compact rows without a row header, movable columns, the last one stretched.
// The proxy belongs to the view.
QTableView *makeTableView(QAbstractItemModel *model, const QString &name, int sortColumn,
                          Qt::SortOrder order, QWidget *parent);

// The rows of the source model selected in such a view, in ascending order.
QList<int> selectedSourceRows(const QTableView *view);

} // namespace afcgi::gui
