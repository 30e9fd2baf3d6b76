#include "soakmix.h"

namespace afcgi::bench {

namespace {
constexpr QByteArrayView kHelloBody = "Hello world\n";
constexpr qint64 kPatternSlack = 65536; // echo bodies start anywhere in the first 64 KB
constexpr int kPacedStreamEvery = 8;    // one /stream in 8 is paced by interval_ms
constexpr qint64 kPacedStreamMaxLines = 20;
constexpr int kPacedStreamMaxIntervalMs = 5;
constexpr int kAbortedDelayMinMs = 20;  // long enough for the abort to find it running
// An unpaced /stream fills its whole output queue (256 KB of one-line records) before the
// server reads the abort: the costly path, so only one aborted stream in this many takes it.
constexpr int kUnpacedAbortEvery = 20;
}

SoakMix::SoakMix(const SoakOptions &options)
    : m_options(options), m_rng(options.seed)
{
    int sum = 0;
    for (const int w : options.weights)
        m_cumulative.push_back(sum += w);
    m_pattern.resize(options.echoMaxBytes + kPatternSlack);
    std::mt19937_64 bytes(options.seed ^ 0x9e3779b97f4a7c15ULL); // its own stream: sizes stay independent
    for (qsizetype i = 0; i < m_pattern.size(); ++i)
        m_pattern[i] = char(bytes() & 0xff);
    for (int ms = 0; ms <= qMax(options.delayMaxMs, kAbortedDelayMinMs * 2); ++ms)
        m_delayBodies.push_back("delayed " + QByteArray::number(ms) + " ms\n");
}

SoakKind SoakMix::drawKind()
{
    const int r = int(below(quint64(m_cumulative.back())));
    for (size_t i = 0; i < m_cumulative.size(); ++i)
        if (r < m_cumulative[i])
            return SoakKind(i);
    return SoakKind::Hello;
}

SoakRequest SoakMix::delay(int ms)
{
    SoakRequest r;
    r.kind = SoakKind::Delay;
    r.uri = "/delay?ms=" + QByteArray::number(ms);
    r.expectedBody = m_delayBodies[size_t(ms)];
    return r;
}

SoakRequest SoakMix::stream(qint64 lines, int intervalMs)
{
    SoakRequest r;
    r.kind = SoakKind::Stream;
    r.uri = "/stream?count=" + QByteArray::number(lines);
    if (intervalMs > 0)
        r.uri += "&interval_ms=" + QByteArray::number(intervalMs);
    r.expectsLines = true;
    r.streamLines = lines;
    return r;
}

SoakRequest SoakMix::make(SoakKind kind)
{
    switch (kind) {
    case SoakKind::Echo: {
        SoakRequest r;
        r.kind = kind;
        r.uri = "/echo";
        r.post = true;
        const qint64 size = qint64(below(quint64(m_options.echoMaxBytes) + 1));
        r.body = QByteArrayView(m_pattern).sliced(qsizetype(below(kPatternSlack)), size);
        r.expectedBody = r.body;
        return r;
    }
    case SoakKind::Delay:
        return delay(1 + int(below(quint64(m_options.delayMaxMs))));
    case SoakKind::Stream:
        if (below(kPacedStreamEvery) == 0)
            return stream(qint64(below(qMin(m_options.streamMaxLines, kPacedStreamMaxLines) + 1)),
                          1 + int(below(kPacedStreamMaxIntervalMs)));
        return stream(qint64(below(quint64(m_options.streamMaxLines) + 1)), 0);
    case SoakKind::Abort: {
        // Half abort a pending /delay from a timer, half a running /stream once it has
        // produced: both paths of the server's abort (a timer to cancel, output to drop).
        SoakRequest r;
        if (below(2) == 0) {
            const int ms = kAbortedDelayMinMs + int(below(kAbortedDelayMinMs + 1));
            r = delay(ms);
            r.abortAfterMs = 1 + int(below(quint64(ms / 2)));
        } else {
            const bool unpaced = below(kUnpacedAbortEvery) == 0;
            r = stream(m_options.abortStreamLines, unpaced ? 0 : 1 + int(below(kPacedStreamMaxIntervalMs)));
            r.abortOnFirstOutput = true;
        }
        r.kind = SoakKind::Abort;
        return r;
    }
    case SoakKind::Hello:
    case SoakKind::Disconnect:
        break;
    }
    SoakRequest r;
    r.kind = SoakKind::Hello;
    r.uri = "/hello";
    r.expectedBody = kHelloBody;
    return r;
}

} // namespace afcgi::bench
