#include "addservicedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPushButton>

namespace afcgi::gui {

AddServiceDialog::AddServiceDialog(QWidget *parent)
    : QDialog(parent), m_title(new QLineEdit(this)), m_via(new QLineEdit(this)),
      m_channel(new QLineEdit(this)), m_program(new QLineEdit(QStringLiteral("afcgid"), this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Add a remote service"));
    m_via->setObjectName(QStringLiteral("via"));
    m_via->setPlaceholderText(tr("ssh user@host"));
    m_title->setPlaceholderText(tr("as the command"));
    m_channel->setPlaceholderText(tr("the default channel"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("&Reach the host with:"), m_via);
    form->addRow(tr("&Channel there:"), m_channel);
    form->addRow(tr("afcgid &program there:"), m_program);
    form->addRow(tr("&Title:"), m_title);
    form->addRow(m_buttons);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    connect(m_via, &QLineEdit::textChanged, ok,
            [ok](const QString &text) { ok->setEnabled(!text.trimmed().isEmpty()); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

ServiceEntry AddServiceDialog::entry() const
{
    ServiceEntry entry;
    entry.via = m_via->text().trimmed();
    entry.channel = m_channel->text().trimmed();
    const QString program = m_program->text().trimmed();
    if (!program.isEmpty())
        entry.remoteProgram = program;
    entry.title = m_title->text().trimmed();
    if (entry.title.isEmpty())
        entry.title = entry.via;
    return entry;
}

} // namespace afcgi::gui
