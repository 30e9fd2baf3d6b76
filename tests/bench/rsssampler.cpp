#include "rsssampler.h"

#include "platform.h"

namespace afcgi::bench {

QList<qint64> RssFigures::trendKb(int points) const
{
    QList<qint64> trend;
    if (warmKb.isEmpty() || points < 2)
        return trend;
    for (int i = 0; i < points; ++i)
        trend.append(warmKb.at(qsizetype(i) * (warmKb.size() - 1) / (points - 1)));
    return trend;
}

RssSampler::RssSampler(QObject *parent)
    : QObject(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &RssSampler::sample);
}

void RssSampler::start(qint64 pid, int intervalMs)
{
    m_pid = pid;
    sample();
    m_timer.start(intervalMs);
}

void RssSampler::stop()
{
    if (m_pid <= 0)
        return;
    m_timer.stop();
    sample();
}

void RssSampler::markWarm()
{
    if (m_warm || m_pid <= 0)
        return;
    m_warm = true;
    sample(); // the warm-up ends now, not up to an interval later
}

void RssSampler::sample()
{
    const qint64 kb = readRssKb(m_pid);
    if (kb <= 0)
        return; // the server is gone; what was sampled stays
    RssFigures &f = m_figures;
    ++f.samples;
    if (f.startKb < 0)
        f.startKb = kb;
    f.peakKb = qMax(f.peakKb, kb);
    f.lastKb = kb;
    if (!m_warm)
        return;
    if (f.warmFirstKb < 0)
        f.warmFirstKb = f.warmMinKb = f.warmMaxKb = kb;
    f.warmMinKb = qMin(f.warmMinKb, kb);
    f.warmMaxKb = qMax(f.warmMaxKb, kb);
    f.warmKb.append(kb);
}

} // namespace afcgi::bench
