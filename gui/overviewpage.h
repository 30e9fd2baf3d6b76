#pragma once

#include "monitorprotocol.h"

#include <QHash>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QGridLayout;
class QGroupBox;
class QLabel;
class QProgressBar;
QT_END_NAMESPACE

namespace afcgi::gui {

class ServiceState;

// The first tab: the service at a glance. Its state, identity and listeners; what it answers
// per second, by status class, with errors and aborts; and how close it runs to the limits it
// announced in hello (connections of max-conns, the busiest connection of
// max-requests-per-conn, the request queues). Everything shows "–" while the service is away.
class OverviewPage final : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(const ServiceState *state, QWidget *parent = nullptr);

    void applyHello(const afcgi::monitor::Hello &hello);
    void applyTick(const afcgi::monitor::Tick &tick);
    void clear();
    // The text of one value by its key ("state", "requests-rate", "status-5xx", "connections", ...).
    QString text(const QString &key) const;
    QProgressBar *bar(const QString &key) const { return m_bars.value(key); }

private:
    QLabel *addValue(QGridLayout *grid, int row, const QString &label, const QString &key);
    QProgressBar *addBar(QGridLayout *grid, int row, const QString &label, const QString &key);
    void set(const QString &key, const QString &text);
    void setUse(const QString &key, qint64 used, qint64 limit, const QString &extra = {});
    void showState();
    qint64 limit(const QString &name) const;

    const ServiceState *m_state;
    QHash<QString, QLabel *> m_values;
    QHash<QString, QProgressBar *> m_bars;
    afcgi::monitor::Hello m_hello;
};

} // namespace afcgi::gui
