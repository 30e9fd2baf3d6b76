#pragma once
// Samples a process's resident memory (VmRSS) on a timer and keeps what a soak judges by: the
// first sample, and from the end of the warm-up on the first, lowest, highest and last ones.
// Growth is highest-after-warm-up over first-after-warm-up: memory that a long run keeps
// adding, not what the first minutes of caches and arenas take.

#include <QList>
#include <QObject>
#include <QTimer>

namespace afcgi::bench {

struct RssFigures
{
    qint64 startKb = -1;     // the first sample of the run
    qint64 peakKb = -1;      // the highest sample of the run, warm-up included
    qint64 warmFirstKb = -1; // from here on: after the warm-up
    qint64 warmMinKb = -1;
    qint64 warmMaxKb = -1;
    qint64 lastKb = -1;
    int samples = 0;
    QList<qint64> warmKb; // every sample after the warm-up, for the trend (8 bytes a sample)

    bool isWarm() const { return warmFirstKb > 0; }
    double growthPercent() const
    {
        return isWarm() ? (double(warmMaxKb) / double(warmFirstKb) - 1) * 100 : 0;
    }
    // The samples at each tenth of the time after the warm-up (its first and last included):
    // tells a plateau from a slope, which first, max and last alone cannot.
    QList<qint64> trendKb(int points = 11) const;
};

class RssSampler final : public QObject
{
    Q_OBJECT
public:
    explicit RssSampler(QObject *parent = nullptr);

    void start(qint64 pid, int intervalMs); // samples at once, then every intervalMs
    void stop();                            // samples once more
    void markWarm();                        // the next sample is the first after the warm-up
    bool isRunning() const { return m_pid > 0; }
    const RssFigures &figures() const { return m_figures; }

private:
    void sample();

    qint64 m_pid = 0;
    bool m_warm = false;
    QTimer m_timer;
    RssFigures m_figures;
};

} // namespace afcgi::bench
