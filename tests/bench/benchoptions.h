#pragma once
// The command line of afcgi-bench, parsed and checked once.

#include "endpoint.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace afcgi::bench {

struct BenchOptions
{
    Endpoint endpoint;
    int conns = 1;
    int depth = 1;             // requests in flight per connection, ids 1..depth
    double durationS = 5;      // load: measured time; hold: how long to keep the requests pending
    qint64 requests = 0;       // > 0: stop after this many measured requests instead
    double warmupS = 1;
    QString path = QStringLiteral("/hello");
    qint64 bodyBytes = 0;      // > 0: POST a body of this many bytes
    qint64 hold = 0;           // > 0: the S5 scenario, hold this many requests pending
    qint64 pid = 0;            // server pid, for its RSS in hold mode
    double connectTimeoutS = 5;
    double holdTimeoutS = 60;  // give up when the held requests are not all in flight by then
    bool jsonOnly = false;
    bool progress = true;      // a progress line on a terminal (runs over a few seconds)

    bool isHold() const { return hold > 0; }
};

// Returns the options, or std::nullopt with *error set (exit code 2), or with *exitNow set for
// --help and --version (the text already printed).
std::optional<BenchOptions> parseBenchOptions(const QStringList &arguments, QString *error,
                                              bool *exitNow);

} // namespace afcgi::bench
