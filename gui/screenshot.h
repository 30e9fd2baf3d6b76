#pragma once

#include <QPixmap>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace afcgi::gui {

// The picture of a window with another top-level widget of the app (an open menu, a dialog)
// drawn over it where it stands on the screen: what a screen grab would show, made from the
// widgets themselves, so it works offscreen (scripts/screenshot-monitor.sh).
QPixmap grabWithOverlay(QWidget *window, QWidget *overlay);

} // namespace afcgi::gui
