#pragma once
// Platform code: the limit on open descriptors, which caps how many connections afcgid holds.

#include <QString>

namespace afcgi {

// What raiseFileLimit() found and did; `text` says it for the log.
struct FileLimitChange
{
    bool raised = false;
    bool failed = false; // the soft limit stays below what was wanted
    QString text;
};

// Raises the soft RLIMIT_NOFILE as Go's runtime does: to the hard limit, but no higher than the
// system's per-process maximum (macOS: kern.maxfilesperproc, which also stands in for an
// "unlimited" hard limit that setrlimit refuses). `ulimit -n N` sets both limits, so an
// operator's N holds. Nothing to do on Windows, which has no such limit on sockets.
FileLimitChange raiseFileLimit();

} // namespace afcgi
