#pragma once
// The outcome of a soak and how it is printed: a summary for a person and one final JSON line.

#include "latencyrecorder.h"
#include "rsssampler.h"
#include "soakconnection.h"
#include "soakoptions.h"

#include <QByteArray>
#include <QString>

namespace afcgi::bench {

struct SoakResult
{
    bool ok = false;
    QString failure;          // why not ok: wrong answers, RSS growth, no connection
    double elapsedS = 0;
    double cpuPercent = -1;   // the soak's own CPU use (100 = one core)
    SoakCounters counters;
    const LatencyRecorder *latency = nullptr;
    bool rssSampled = false;  // --pid was given
    RssFigures rss;
};

class SoakReport
{
public:
    explicit SoakReport(const SoakOptions &options) : m_options(options) { }

    QString text(const SoakResult &result) const;
    QByteArray json(const SoakResult &result) const; // one line, no newline

private:
    const SoakOptions &m_options;
};

} // namespace afcgi::bench
