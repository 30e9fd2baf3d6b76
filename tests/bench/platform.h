#pragma once
// The little the bench needs from the operating system, in one place.

#include <QtGlobal>

namespace afcgi::bench {

// Nanoseconds of CPU time (user + system) this process has used so far; -1 where the platform
// offers no cheap way. Shows whether the bench itself was near saturation: a bench at 100 % of
// its core measures itself, not the server.
qint64 processCpuNs();

// Keep large buffers (request bodies, batched writes, whole responses) in the heap instead of
// fresh mmap'd pages on every request: glibc's default maps blocks from 128 KB and unmaps them
// on free, and the page faults then cost more than the copies (measured: 200 KB /echo at depth
// 16 fell from 2.8k to 0.6k req/s in some runs, the bench at 94 % CPU). No-op elsewhere.
void tuneAllocator();

// Monotonic clock in nanoseconds.
qint64 nowNs();

// VmRSS of a process in kB from /proc/PID/status; -1 when it cannot be read (or off Linux).
qint64 readRssKb(qint64 pid);

// Whether stderr is a terminal (a progress line is drawn only there).
bool stderrIsTerminal();

// Makes the next close of this connected socket a reset (SO_LINGER 0): a web server that gives
// up on a connection abruptly, with requests in flight. No-op where unsupported.
void setAbortiveClose(qintptr socketDescriptor);

} // namespace afcgi::bench
