#pragma once
// The outcome of a run and how it is printed: a human summary and one final JSON line.

#include "benchoptions.h"
#include "latencyrecorder.h"
#include "loadconnection.h"

#include <QString>

namespace afcgi::bench {

struct BenchResult
{
    bool ok = true;            // false when the run could not do what was asked
    QString failure;           // why, when !ok
    double elapsedS = 0;       // measured time (after warmup)
    LoadCounters counters;     // over the measured time; errors over the whole run
    const LatencyRecorder *latency = nullptr;
    double benchCpuPercent = -1; // the bench's own CPU use over the measured time (100 = one core)

    // --hold
    qint64 held = 0;           // requests pending when the server's memory was read
    double inFlightAfterS = 0; // from the first connect until the server had read all of them
    qint64 rssBeforeKb = -1;   // VmRSS before connecting; -1 when unknown
    qint64 rssHeldKb = -1;     // the highest VmRSS while holding
};

class Report
{
public:
    explicit Report(const BenchOptions &options) : m_options(options) { }

    QString text(const BenchResult &result) const;  // several lines for a person
    QByteArray json(const BenchResult &result) const; // one line, no newline

private:
    const BenchOptions &m_options;
};

} // namespace afcgi::bench
