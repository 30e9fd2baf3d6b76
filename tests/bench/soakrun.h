#pragma once
// One soak: C connections draw requests from the mix until --requests have been issued or
// --duration has passed, then wait for the last answers. Samples the server's RSS meanwhile and
// ends the warm-up after --warmup-requests answers (or the first 10 %). Single-threaded: every
// connection shares one event loop and one set of counters.

#include "rsssampler.h"
#include "soakconnection.h"
#include "soakmix.h"
#include "soakoptions.h"
#include "soakreport.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace afcgi::bench {

class SoakRun final : public QObject
{
    Q_OBJECT
public:
    explicit SoakRun(const SoakOptions &options, QObject *parent = nullptr);

    void start();
    const SoakResult &result() const { return m_result; }

Q_SIGNALS:
    void finished();

private:
    void onConnected();
    void onDrained();
    void onTick();
    void stopIssuing();
    void startDraining();
    int inFlight() const;
    void finish(const QString &failure = {});

    const SoakOptions &m_options;
    SoakMix m_mix;
    SoakShared m_shared;
    std::vector<SoakConnection *> m_connections;
    RssSampler m_rss;
    int m_connected = 0;
    qint64 m_warmupRequests = -1; // answers that end the warm-up; -1: ends by time instead
    bool m_draining = false;
    bool m_done = false;
    QElapsedTimer m_clock;
    qint64 m_cpuAtStart = -1;
    QTimer m_connectTimer;
    QTimer m_durationTimer;
    QTimer m_warmupTimer; // --duration without --warmup-requests
    QTimer m_drainTimer;
    QTimer m_tickTimer;   // progress line and the warm-up check
    bool m_showProgress = false;
    quint64 m_lastCompleted = 0;
    SoakResult m_result;
};

} // namespace afcgi::bench
