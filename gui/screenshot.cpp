#include "screenshot.h"

#include <QPainter>
#include <QWidget>

namespace afcgi::gui {

QPixmap grabWithOverlay(QWidget *window, QWidget *overlay)
{
    QPixmap picture = window->grab();
    if (!overlay || !overlay->isVisible())
        return picture;
    const QPixmap over = overlay->grab();
    QPoint at = overlay->mapToGlobal(QPoint(0, 0)) - window->mapToGlobal(QPoint(0, 0));
    // A window the platform placed elsewhere (offscreen: at its own origin) is centred instead.
    if (!QRect(QPoint(0, 0), picture.deviceIndependentSize().toSize()).contains(QRect(at, overlay->size())))
        at = QPoint((window->width() - overlay->width()) / 2, (window->height() - overlay->height()) / 2);
    QPainter painter(&picture);
    painter.drawPixmap(at, over);
    return picture;
}

} // namespace afcgi::gui
