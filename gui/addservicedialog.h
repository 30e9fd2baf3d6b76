#pragma once

#include "serviceentry.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QDialogButtonBox;
class QLineEdit;
QT_END_NAMESPACE

namespace afcgi::gui {

// Asks for a remote service: the command that reaches its host (`ssh user@host`), the channel
// there (empty: the default), the afcgid program there and a title for the sidebar.
class AddServiceDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit AddServiceDialog(QWidget *parent = nullptr);

    ServiceEntry entry() const;
    QLineEdit *viaEdit() const { return m_via; }

private:
    QLineEdit *m_title;
    QLineEdit *m_via;
    QLineEdit *m_channel;
    QLineEdit *m_program;
    QDialogButtonBox *m_buttons;
};

} // namespace afcgi::gui
