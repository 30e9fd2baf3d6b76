#pragma once

#include <QList>
#include <Qt>

QT_BEGIN_NAMESPACE
class QAbstractItemModel;
class QLabel;
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

// A tab that is a table with a line of text above it (what it shows, or why it is empty): lays
// them out edge to edge in `page`, the note wrapping.
void layOutNoteAboveTable(QWidget *page, QLabel *note, QTableView *view);

// The rows of the source model selected in such a view, in ascending order.
QList<int> selectedSourceRows(const QTableView *view);

// Keeps the selected rows of such a view selected when its model is reset (a snapshot replaces
// every row): a row is recognised by its values (SortRole) in `keyColumns`. Without this, F5 or
// a resync after dropped events took the operator's selection, and the actions on it, away.
void keepSelectionAcrossResets(QTableView *view, const QList<int> &keyColumns);

} // namespace afcgi::gui
