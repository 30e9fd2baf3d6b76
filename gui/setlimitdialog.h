#pragma once

#include "monitorprotocol.h"

#include <QDialog>

#include <optional>

QT_BEGIN_NAMESPACE
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class SettingsModel;

// Asks for one live limit (the settings the service marks live: max-conns, idle-timeout, …) and
// its new value. It lists them with their values in force and where each came from; OK is
// enabled once a limit is chosen and the value is a whole number (0: unlimited). The caller sends
// set-limit when it is accepted.
class SetLimitDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SetLimitDialog(QWidget *parent = nullptr);

    // Keeps only the live settings; the previous choice stays chosen when it is still there.
    void setSettings(const QList<afcgi::monitor::Setting> &settings);
    bool selectLimit(const QString &key);
    QString limit() const;               // the chosen limit; empty when none is
    std::optional<qint64> value() const; // nullopt until it is a whole number

    SettingsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QLineEdit *valueEdit() const { return m_value; }

private:
    void onCurrentChanged();
    void updateOk();

    SettingsModel *m_model;
    QTableView *m_view;
    QLineEdit *m_value;
    QLabel *m_valueLabel;
    QDialogButtonBox *m_buttons;
};

} // namespace afcgi::gui
