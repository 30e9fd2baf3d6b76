#pragma once

#include <QList>
#include <QPair>
#include <QString>

QT_BEGIN_NAMESPACE
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

// Gives a table's columns the width of their widest expected content (a sample text per column,
// or the header if wider), so that an address or a path is not cut to "127.0.0.1:55…" while a
// number column takes the room; the last column takes what is left and the user may still
// resize. Sized once, from fonts, not from rows: measuring thousands of live rows would cost a
// pass over them at every tick.
class ColumnSizer
{
public:
    using Samples = QList<QPair<int, QString>>; // column, widest expected text

    static void apply(QTableView *view, const Samples &samples);
};

} // namespace afcgi::gui
