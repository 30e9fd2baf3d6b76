#pragma once

#include <QWidget>

#include <functional>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
QT_END_NAMESPACE

namespace afcgi::gui {

// The service's log level, in the tool bar: the level the service says it runs at (in its hello,
// then in every tick, whoever changed it), never a guess; a question before switching to debug,
// which writes lines for every request; and what the log writes per second.
class LogLevelControl final : public QWidget
{
    Q_OBJECT
public:
    // Asked before switching to debug; true goes ahead. By default a message box.
    using Confirm = std::function<bool(const QString &question)>;

    explicit LogLevelControl(QWidget *parent = nullptr);

    QComboBox *combo() const { return m_combo; }
    QLabel *rateLabel() const { return m_rate; }
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }

    // The level in force; empty when the service does not tell (an older afcgid).
    void setServiceLevel(const QString &level);
    QString serviceLevel() const { return m_level; }
    // The log's volume and the request rate now; `known` false for a service that does not count.
    void setRates(double linesPerSecond, double bytesPerSecond, double requestsPerSecond, bool known);
    // The service is away: nothing is known.
    void clear();

Q_SIGNALS:
    void levelRequested(const QString &level);

private:
    void onActivated(int index);
    void showLevel();

    QComboBox *m_combo;
    QLabel *m_rate;
    Confirm m_confirm;
    QString m_level;
    double m_linesPerSecond = 0;
    double m_bytesPerSecond = 0;
    double m_requestsPerSecond = 0;
};

} // namespace afcgi::gui
