#include "loglevelcontrol.h"

#include "format.h"
#include "logmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>

namespace afcgi::gui {

LogLevelControl::LogLevelControl(QWidget *parent)
    : QWidget(parent), m_combo(new QComboBox(this)), m_rate(new QLabel(this))
{
    m_combo->setObjectName(QStringLiteral("serviceLogLevel"));
    for (int level = LogModel::Debug; level <= LogModel::Error; ++level)
        m_combo->addItem(LogModel::levelName(level));
    m_combo->setToolTip(tr("afcgid's log level now; choose another to change it (set-log-level)"));
    m_combo->setEnabled(false);
    connect(m_combo, &QComboBox::activated, this, &LogLevelControl::onActivated);
    m_rate->setObjectName(QStringLiteral("serviceLogRate"));
    m_rate->setToolTip(tr("What the service's log writes per second"));
    m_confirm = [this](const QString &question) {
        return QMessageBox::question(this, tr("Debug logging"), question,
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Service log level:"), this));
    layout->addWidget(m_combo);
    layout->addWidget(m_rate);
    showLevel();
}

void LogLevelControl::setServiceLevel(const QString &level)
{
    m_level = level;
    showLevel();
}

void LogLevelControl::showLevel()
{
    m_combo->setPlaceholderText(tr("unknown"));
    m_combo->setCurrentIndex(m_combo->findText(m_level)); // -1 (the placeholder) when unknown
}

void LogLevelControl::setRates(double linesPerSecond, double bytesPerSecond, double requestsPerSecond,
                               bool known)
{
    m_linesPerSecond = linesPerSecond;
    m_bytesPerSecond = bytesPerSecond;
    m_requestsPerSecond = requestsPerSecond;
    m_rate->setText(known ? tr("%1 lines/s · %2").arg(format::count(linesPerSecond),
                                                      format::bytesPerSecond(bytesPerSecond))
                          : QString());
}

void LogLevelControl::clear()
{
    m_level.clear();
    showLevel();
    m_rate->clear();
}

void LogLevelControl::onActivated(int index)
{
    const QString chosen = m_combo->itemText(index);
    if (chosen == m_level)
        return;
    if (chosen == LogModel::levelName(LogModel::Debug)) {
        const QString question =
            tr("Switch afcgid to debug logging?\n\nIt writes several lines for every request: at "
               "%1 requests/s that is millions of lines a minute, and it can cut the service's "
               "throughput many times over. The log writes %2 lines/s (%3) now.")
                .arg(format::count(m_requestsPerSecond), format::count(m_linesPerSecond),
                     format::bytesPerSecond(m_bytesPerSecond));
        if (!m_confirm(question)) {
            showLevel(); // back to what the service runs at
            return;
        }
    }
    Q_EMIT levelRequested(chosen);
}

} // namespace afcgi::gui
