#include "engine/workersample.h"

#include <algorithm>

namespace afcgi {

namespace {
// A min-heap on age: the youngest kept request is on top, the first to make room.
bool youngerFirst(const WorkerSample::Progress &a, const WorkerSample::Progress &b)
{
    return a.ageMs > b.ageMs;
}
} // namespace

void WorkerSample::addBusy(monitor::ConnectionGauge &&gauge)
{
    waiting += gauge.waiting;
    keep(std::move(gauge));
}

void WorkerSample::keep(monitor::ConnectionGauge &&gauge)
{
    if (busy.size() >= kMaxBusyConnections) {
        ++busyDropped;
        return;
    }
    busy.append(std::move(gauge));
}

void WorkerSample::offer(const Progress &progress)
{
    if (oldest.size() < kMaxProgress) {
        oldest.append(progress);
        std::push_heap(oldest.begin(), oldest.end(), youngerFirst);
        return;
    }
    if (progress.ageMs <= oldest.first().ageMs)
        return;
    std::pop_heap(oldest.begin(), oldest.end(), youngerFirst);
    oldest.last() = progress;
    std::push_heap(oldest.begin(), oldest.end(), youngerFirst);
}

void WorkerSample::merge(const WorkerSample &other)
{
    for (const monitor::ConnectionGauge &gauge : other.busy)
        keep(monitor::ConnectionGauge(gauge));
    busyDropped += other.busyDropped;
    waiting += other.waiting; // counted over all its busy connections, those past its cap too
    for (const Progress &p : other.oldest)
        offer(p);
    workers.append(other.workers);
}

void WorkerSample::finish()
{
    std::sort(oldest.begin(), oldest.end(),
              [](const Progress &a, const Progress &b) { return a.ageMs > b.ageMs; });
    std::sort(workers.begin(), workers.end(),
              [](const monitor::WorkerGauge &a, const monitor::WorkerGauge &b) { return a.worker < b.worker; });
}

} // namespace afcgi
