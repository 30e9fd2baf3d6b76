#pragma once

#include "ringbuffer.h"

#include <QList>

namespace afcgi::gui {

// The samples of a chart: one time (the service's clock, ms since the epoch) and one value per
// series each, oldest first, in bounded rings. Times never go back: a sample older than the
// newest one is refused.
class SampleHistory
{
public:
    explicit SampleHistory(qsizetype capacity = 1200) : m_times(capacity) {}

    void addSeries();
    int seriesCount() const { return int(m_values.size()); }
    void setCapacity(qsizetype capacity);
    qsizetype capacity() const { return m_times.capacity(); }

    // A value missing from `values` is NaN. False (and nothing kept) when `timeMs` is older
    // than the newest sample.
    bool append(qint64 timeMs, const QList<double> &values);
    void clear();

    qsizetype size() const { return m_times.size(); }
    // Samples appended since the last clear(), including those the ring has let go: tells a
    // reader whether anything is new even when the ring is full.
    quint64 appendedCount() const { return m_appended; }
    bool isEmpty() const { return m_times.isEmpty(); }
    qint64 timeAt(qsizetype i) const { return m_times.at(i); }
    double valueAt(int series, qsizetype i) const { return m_values.at(series).at(i); }
    // The index of the first sample at or after `timeMs` (size() when there is none).
    qsizetype firstAtOrAfter(qint64 timeMs) const;
    // The largest value and the smallest positive one of `series` from sample `from` on
    // (0 and +inf when there is none).
    void extremes(int series, qsizetype from, double *max, double *minPositive) const;

private:
    RingBuffer<qint64> m_times;
    QList<RingBuffer<double>> m_values;
    quint64 m_appended = 0;
};

} // namespace afcgi::gui
