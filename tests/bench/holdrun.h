#pragma once
// The S5 scenario: open N slow requests spread over C connections, learn when the server has
// read them all (a GET_VALUES probe behind them on each connection is answered in order), then
// keep them pending and read the server's RSS: what one pending request costs it.

#include "benchoptions.h"
#include "loadconnection.h"
#include "report.h"
#include "requesttemplate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace afcgi::bench {

class HoldRun final : public QObject
{
    Q_OBJECT
public:
    explicit HoldRun(const BenchOptions &options, QObject *parent = nullptr);

    void start();
    const BenchResult &result() const { return m_result; }

Q_SIGNALS:
    void inFlight(const QString &message); // all requests are in flight
    void finished();

private:
    void onProbeAnswered();
    void sample();
    qint64 pending() const;
    void finish(bool ok, const QString &failure = {});

    const BenchOptions &m_options;
    RequestTemplate m_template;
    LoadShared m_shared;
    std::vector<LoadConnection *> m_connections;
    int m_answered = 0;
    bool m_done = false;
    QElapsedTimer m_clock;
    QTimer m_timeout;     // --hold-timeout
    QTimer m_holdTimer;   // --duration once all are in flight
    QTimer m_sampleTimer; // RSS samples while holding
    BenchResult m_result;
};

} // namespace afcgi::bench
