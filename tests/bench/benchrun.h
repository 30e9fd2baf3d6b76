#pragma once
// A load run: C connections keep D requests each in flight, a warmup, then a measured time (or
// a number of requests). Single-threaded: every connection shares one event loop and counters.

#include "benchoptions.h"
#include "loadconnection.h"
#include "report.h"
#include "requesttemplate.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace afcgi::bench {

class BenchRun final : public QObject
{
    Q_OBJECT
public:
    explicit BenchRun(const BenchOptions &options, QObject *parent = nullptr);

    void start();
    const BenchResult &result() const { return m_result; }

Q_SIGNALS:
    void finished();

private:
    void onConnected();
    void beginMeasuring();
    void onDrained();
    void onTick();
    void finish(bool ok, const QString &failure = {});

    const BenchOptions &m_options;
    RequestTemplate m_template;
    LoadShared m_shared;
    std::vector<LoadConnection *> m_connections;
    int m_connected = 0;
    bool m_loadStarted = false;
    bool m_measuring = false;
    bool m_done = false;
    QElapsedTimer m_sinceStart;
    QElapsedTimer m_sinceMeasuring;
    QTimer m_connectTimer;
    QTimer m_phaseTimer; // end of warmup, then end of the measured time
    QTimer m_tickTimer;  // progress line
    bool m_showProgress = false;
    quint64 m_lastCompleted = 0;
    qint64 m_cpuAtMeasuring = -1;
    BenchResult m_result;
};

} // namespace afcgi::bench
