#pragma once
// The soak's workload: draws what each next request is (by the weights of --mix), its
// parameters, and what a correct answer to it is. Echo bodies are slices of one seeded random
// pattern, so an answer is compared byte for byte with that slice and nothing is copied or kept
// per request.

#include "soakoptions.h"

#include <QByteArray>
#include <QByteArrayView>

#include <random>
#include <vector>

namespace afcgi::bench {

struct SoakRequest
{
    SoakKind kind = SoakKind::Hello;
    QByteArray uri;
    QByteArrayView body;         // POSTed as STDIN (a slice of the pattern); empty for a GET
    bool post = false;
    // A correct answer: status 200 and either these bytes or `streamLines` lines of /stream.
    bool expectsLines = false;
    QByteArrayView expectedBody;
    qint64 streamLines = 0;
    // Aborts: ABORT_REQUEST this many ms after the request went out, or on its first output.
    int abortAfterMs = -1;
    bool abortOnFirstOutput = false;
};

class SoakMix
{
public:
    explicit SoakMix(const SoakOptions &options);

    SoakKind drawKind();
    SoakRequest make(SoakKind kind); // any kind but Disconnect

private:
    quint64 below(quint64 n) { return n ? m_rng() % n : 0; } // 0..n-1; the bias is irrelevant here
    SoakRequest delay(int ms);
    SoakRequest stream(qint64 lines, int intervalMs);

    const SoakOptions &m_options;
    std::mt19937_64 m_rng;
    std::vector<int> m_cumulative; // running sums of the weights, by SoakKind
    QByteArray m_pattern;          // seeded random bytes: every echo body is a slice of it
    std::vector<QByteArray> m_delayBodies; // "delayed N ms\n", N = 0..delayMaxMs
};

} // namespace afcgi::bench
