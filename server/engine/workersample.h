#pragma once

#include "monitorprotocol.h"

#include <QList>

namespace afcgi {

// What the monitor hub samples from the workers at each tick: how busy each connection is now
// (gauges, exact at any request rate) and the progress of the longest-running requests. Built
// by a walk over a worker's busy connections, so its cost follows the connections and requests
// in flight, never the request rate; bounded by the caps below.
struct WorkerSample
{
    static constexpr int kMaxBusyConnections = 1000;
    static constexpr int kMaxProgress = 250;

    struct Progress
    {
        qint64 ageMs = 0;
        monitor::RequestProgress progress;
    };

    QList<monitor::ConnectionGauge> busy; // connections with requests in flight or waiting
    qint64 busyDropped = 0;               // busy connections past the cap
    qint64 waiting = 0;                   // requests waiting in request queues, all connections
    QList<Progress> oldest;               // at most kMaxProgress; see offer() and finish()
    QList<monitor::WorkerGauge> workers;  // one per worker thread, in index order after finish()

    void addBusy(monitor::ConnectionGauge &&gauge);
    // Keeps the kMaxProgress longest-running requests offered (a heap: the youngest on top).
    void offer(const Progress &progress);
    // Another worker's sample into this one.
    void merge(const WorkerSample &other);
    // Orders `oldest` oldest first, for the tick.
    void finish();

private:
    void keep(monitor::ConnectionGauge &&gauge);
};

} // namespace afcgi
