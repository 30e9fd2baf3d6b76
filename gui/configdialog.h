#pragma once

#include "monitorprotocol.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class SettingsModel;

// The service's effective configuration, read-only: every setting with its value, where it came
// from and whether it can change live, in the order the service lists them. Not modal: it stays
// open beside the tabs; Refresh asks the service again.
class ConfigDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ConfigDialog(QWidget *parent = nullptr);

    SettingsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QString noteText() const;

    void setSettings(const QList<afcgi::monitor::Setting> &settings);

Q_SIGNALS:
    void refreshRequested();

private:
    SettingsModel *m_model;
    QTableView *m_view;
    QLabel *m_note;
};

} // namespace afcgi::gui
