#pragma once
// Platform code for the end-to-end tests, in one place: signals to the processes they start,
// who the test runs as, and descriptor limits. Unix in processcontrol_unix.cpp; on Windows
// (processcontrol_win.cpp) there are no signals to send, and the tests that need them skip.

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace e2e {

enum class Signal { Terminate, Interrupt, Reload }; // SIGTERM, SIGINT, SIGHUP

// Whether this system can send the signals above to another process.
bool canSendSignals();
// Sends `signal` to the running `process`; false when it could not (or cannot here).
bool sendSignal(const QProcess &process, Signal signal);

// Whether the test runs as root (Unix); false on Windows.
bool runningAsRoot();

// The program and arguments that run `program` with `arguments` under a soft open-file limit of
// `softLimit` (the hard limit unchanged), as a service manager may start it; empty where that
// cannot be done.
QStringList withSoftFileLimit(int softLimit, const QString &program, const QStringList &arguments);
// Raises this process's own soft open-file limit to at least `count` descriptors where it is
// lower; false when the hard limit does not allow it.
bool ensureOwnFileLimit(int count);

} // namespace e2e
