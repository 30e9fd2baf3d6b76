#include "configdialog.h"

#include "format.h"
#include "settingsmodel.h"
#include "tableview.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace afcgi::gui {

ConfigDialog::ConfigDialog(QWidget *parent)
    : QDialog(parent), m_model(new SettingsModel(this)),
      m_view(makeTableView(m_model, QStringLiteral("configView"), -1, Qt::AscendingOrder, this)),
      m_note(new QLabel(this))
{
    setObjectName(QStringLiteral("configDialog"));
    setWindowTitle(tr("Effective configuration"));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_note->setObjectName(QStringLiteral("configNote"));
    m_note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    refresh->setObjectName(QStringLiteral("configRefresh"));
    connect(refresh, &QPushButton::clicked, this, &ConfigDialog::refreshRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_view, 1);
    layout->addWidget(buttons);
    resize(720, 480);
}

void ConfigDialog::setSettings(const QList<monitor::Setting> &settings)
{
    m_model->setSettings(settings);
    m_note->setText(tr("%1 in force, as the service told at %2. \"Live\" ones can be changed "
                       "with Set limit…; a reload puts back the configured values.")
                        .arg(format::quantity(settings.size(), tr("setting"), tr("settings")),
                             QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
}

QString ConfigDialog::noteText() const
{
    return m_note->text();
}

} // namespace afcgi::gui
