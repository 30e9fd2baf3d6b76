#pragma once
// Platform code: the CPU time the calling thread has used (a worker's own share of a core, for
// the monitor's workers view). threadcpu_unix.cpp, threadcpu_win.cpp.

#include <QtGlobal>

namespace afcgi {

// Milliseconds of CPU (user + system) used by the calling thread since it started; 0 if the
// platform cannot tell.
qint64 threadCpuMs();

} // namespace afcgi
