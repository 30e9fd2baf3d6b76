#include "statebanner.h"

#include <QHBoxLayout>
#include <QLabel>

namespace afcgi::gui {

StateBanner::StateBanner(QWidget *parent) : QFrame(parent), m_label(new QLabel(this))
{
    setObjectName(QStringLiteral("stateBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_label->font();
    bold.setBold(true);
    m_label->setFont(bold);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 10, 6);
    layout->addWidget(m_label, 1);
    setVisible(false);
}

void StateBanner::setMessage(const QString &text, format::Semantic semantic)
{
    m_label->setText(text);
    setVisible(!text.isEmpty());
    if (text.isEmpty())
        return;
    // A pale wash of the meaning's colour behind text of that colour: readable light or dark.
    const QColor accent = format::color(semantic);
    QPalette p = palette();
    const QColor base = p.color(QPalette::Base);
    const auto mix = [&](int a, int b) { return int(a * 0.18 + b * 0.82); };
    p.setColor(QPalette::Window, QColor(mix(accent.red(), base.red()), mix(accent.green(), base.green()),
                                        mix(accent.blue(), base.blue())));
    p.setColor(QPalette::WindowText, accent);
    setPalette(p);
}

QString StateBanner::text() const
{
    return isHidden() ? QString() : m_label->text();
}

} // namespace afcgi::gui
