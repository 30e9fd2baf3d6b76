#include "samplehistory.h"

#include <cmath>

namespace afcgi::gui {

void SampleHistory::addSeries()
{
    clear();
    m_values.append(RingBuffer<double>(m_times.capacity()));
}

void SampleHistory::setCapacity(qsizetype capacity)
{
    m_times.setCapacity(capacity);
    for (RingBuffer<double> &values : m_values)
        values.setCapacity(capacity);
}

bool SampleHistory::append(qint64 timeMs, const QList<double> &values)
{
    if (!m_times.isEmpty() && timeMs < m_times.last())
        return false;
    m_times.push(timeMs);
    ++m_appended;
    for (qsizetype i = 0; i < m_values.size(); ++i)
        m_values[i].push(i < values.size() ? values.at(i) : qQNaN());
    return true;
}

void SampleHistory::clear()
{
    m_appended = 0;
    m_times.clear();
    for (RingBuffer<double> &values : m_values)
        values.clear();
}

qsizetype SampleHistory::firstAtOrAfter(qint64 timeMs) const
{
    qsizetype low = 0, high = m_times.size();
    while (low < high) {
        const qsizetype mid = (low + high) / 2;
        if (m_times.at(mid) < timeMs)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

void SampleHistory::extremes(int series, qsizetype from, double *max, double *minPositive) const
{
    const RingBuffer<double> &values = m_values.at(series);
    for (qsizetype i = qMax<qsizetype>(0, from); i < values.size(); ++i) {
        const double v = values.at(i);
        if (!std::isfinite(v))
            continue;
        *max = qMax(*max, v);
        if (v > 0)
            *minPositive = qMin(*minPositive, v);
    }
}

} // namespace afcgi::gui
