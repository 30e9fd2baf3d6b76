#pragma once
// The command line of afcgi-soak, parsed and checked once.

#include "endpoint.h"

#include <QString>
#include <QStringList>

#include <array>
#include <optional>

namespace afcgi::bench {

// What the soak mixes. Disconnect is not a request: a connection drops with its requests in
// flight and opens again.
enum class SoakKind { Hello, Echo, Delay, Stream, Abort, Disconnect };
constexpr int kSoakKindCount = 6;
const char *soakKindName(SoakKind kind);

using SoakWeights = std::array<int, kSoakKindCount>; // relative weights, indexed by SoakKind

struct SoakOptions
{
    Endpoint endpoint;
    int conns = 8;
    int depth = 16;              // requests in flight per connection, ids 1..depth
    qint64 requests = 0;         // > 0: issue this many requests, then drain
    double durationS = 0;        // > 0: issue for this long, then drain
    qint64 warmupRequests = -1;  // RSS is judged from here on; -1 = the first 10 %
    SoakWeights weights{500, 150, 150, 100, 99, 1}; // disconnect: 1 in 1,000 draws
    qint64 echoMaxBytes = 256 * 1024;
    int delayMaxMs = 50;
    qint64 streamMaxLines = 1000;  // /stream in the mix asks for 0..this many lines
    qint64 abortStreamLines = 1000000; // an aborted /stream would be this long (about 14 MB)
    quint64 seed = 1;
    qint64 pid = 0;              // the server, for its RSS
    double rssIntervalS = 1;
    double rssTolerancePercent = 10;
    qint64 readLimit = 0;        // bytes/s per connection; > 0 plays a slow reader
    double connectTimeoutS = 5;
    double drainTimeoutS = 30;   // in-flight requests unanswered after this are wrong answers
    bool jsonOnly = false;
    bool progress = true;

    QString weightsText() const; // "hello=40,echo=20,..."
};

// Returns the options, or std::nullopt with *error set (exit code 2), or with *exitNow set for
// --help and --version (the text already printed).
std::optional<SoakOptions> parseSoakOptions(const QStringList &arguments, QString *error,
                                            bool *exitNow);

} // namespace afcgi::bench
