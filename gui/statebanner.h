#pragma once

#include "format.h"

#include <QFrame>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace afcgi::gui {

// A strip over the tabs that says, in words and in colour, what is wrong right now (the
// service is away, or draining). Hidden while there is nothing to say.
class StateBanner final : public QFrame
{
    Q_OBJECT
public:
    explicit StateBanner(QWidget *parent = nullptr);

    // An empty text hides the banner. The text while shown (empty while hidden):
    void setMessage(const QString &text, format::Semantic semantic);
    QString text() const;

private:
    QLabel *m_label;
};

} // namespace afcgi::gui
