#pragma once

namespace afcgi {

// Process-wide settings that make afcgid serve faster, applied once at the top of main() before
// any thread exists. Each is measured in tests/bench (see the comments in processtuning.cpp).
// An environment variable set by the operator always wins over these defaults.
void tuneProcessForServing();

// Hands memory that is free again back to the kernel (glibc: malloc_trim). Called every
// kReleaseFreeMemoryMs by the service, never per request (see tuneProcessForServing()).
void releaseFreeMemory();

// Logs what tuneProcessForServing() did that an operator should know (the open-file limit);
// nothing when it was not called. Called once logging is set up.
void logProcessTuning();
constexpr int kReleaseFreeMemoryMs = 30000;

} // namespace afcgi
