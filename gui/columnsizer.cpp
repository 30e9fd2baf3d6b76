#include "columnsizer.h"

#include <QHeaderView>
#include <QTableView>

namespace afcgi::gui {

namespace {
constexpr int kCellPadding = 14;   // the style's cell margins, both sides
constexpr int kSortIndicator = 18; // room for the header's sort arrow
} // namespace

void ColumnSizer::apply(QTableView *view, const Samples &samples)
{
    const QFontMetrics cell = view->fontMetrics();
    const QFontMetrics header = view->horizontalHeader()->fontMetrics();
    // The stretched last column may shrink to this too, so that a narrow window has no
    // horizontal scroll bar while the table is empty.
    QHeaderView *columns = view->horizontalHeader();
    const int minimum = cell.horizontalAdvance(QStringLiteral("0000")) + kCellPadding;
    columns->setMinimumSectionSize(minimum);
    columns->setDefaultSectionSize(qMax(minimum, cell.horizontalAdvance(QStringLiteral("/hello")) + kCellPadding));
    // A stretched last section never gets narrower than it was when stretching began: start
    // it again from the narrow default.
    if (columns->count() > 0 && columns->stretchLastSection()) {
        columns->setStretchLastSection(false);
        columns->resizeSection(columns->logicalIndex(columns->count() - 1), columns->defaultSectionSize());
        columns->setStretchLastSection(true);
    }
    for (const auto &[column, sample] : samples) {
        const QString title = view->model()->headerData(column, Qt::Horizontal).toString();
        const int width = qMax(cell.horizontalAdvance(sample) + kCellPadding,
                               header.horizontalAdvance(title) + kCellPadding + kSortIndicator);
        view->setColumnWidth(column, width);
    }
}

} // namespace afcgi::gui
