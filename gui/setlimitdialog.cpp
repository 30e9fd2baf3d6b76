#include "setlimitdialog.h"

#include "settingsmodel.h"
#include "tableview.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace afcgi::gui {

SetLimitDialog::SetLimitDialog(QWidget *parent)
    : QDialog(parent), m_model(new SettingsModel(this)),
      m_view(makeTableView(m_model, QStringLiteral("limitView"), SettingsModel::KeyColumn,
                           Qt::AscendingOrder, this)),
      m_value(new QLineEdit(this)), m_valueLabel(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("setLimitDialog"));
    setWindowTitle(tr("Set a limit"));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setColumnHidden(SettingsModel::LiveColumn, true); // all of them are
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_value->setObjectName(QStringLiteral("limitValue"));
    m_value->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{1,18}")), m_value));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Set"));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SetLimitDialog::onCurrentChanged);
    connect(m_value, &QLineEdit::textChanged, this, &SetLimitDialog::updateOk);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *note = new QLabel(tr("The limits the service can change while it runs, with the values in "
                               "force. Sizes are in bytes, timeouts in milliseconds, 0 is unlimited. "
                               "New connections take the new value; a reload puts back the "
                               "configured one."),
                            this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(m_valueLabel, m_value);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(m_view, 1);
    layout->addLayout(form);
    layout->addWidget(m_buttons);
    resize(560, 400);
    onCurrentChanged();
}

void SetLimitDialog::setSettings(const QList<monitor::Setting> &settings)
{
    const QString chosen = limit();
    QList<monitor::Setting> live;
    for (const monitor::Setting &s : settings) {
        if (s.live)
            live.append(s);
    }
    m_model->setSettings(live);
    m_view->setColumnHidden(SettingsModel::LiveColumn, true); // a reset shows it again
    if (chosen.isEmpty() || !selectLimit(chosen))
        onCurrentChanged();
}

bool SetLimitDialog::selectLimit(const QString &key)
{
    const int row = m_model->findRow(key);
    if (row < 0)
        return false;
    auto *proxy = static_cast<QSortFilterProxyModel *>(m_view->model());
    m_view->setCurrentIndex(proxy->mapFromSource(m_model->index(row, SettingsModel::KeyColumn)));
    onCurrentChanged();
    return true;
}

QString SetLimitDialog::limit() const
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return {};
    return current.siblingAtColumn(SettingsModel::KeyColumn).data(SettingsModel::SortRole).toString();
}

std::optional<qint64> SetLimitDialog::value() const
{
    bool ok = false;
    const qint64 v = m_value->text().toLongLong(&ok);
    if (!ok || v < 0)
        return std::nullopt;
    return v;
}

void SetLimitDialog::onCurrentChanged()
{
    const QString key = limit();
    m_valueLabel->setText(key.isEmpty() ? tr("New value:") : tr("New value of %1:").arg(key));
    const QModelIndex current = m_view->currentIndex();
    m_value->setText(current.isValid()
                         ? current.siblingAtColumn(SettingsModel::ValueColumn).data(SettingsModel::SortRole).toString()
                         : QString());
    updateOk();
}

void SetLimitDialog::updateOk()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!limit().isEmpty() && value().has_value());
}

} // namespace afcgi::gui
