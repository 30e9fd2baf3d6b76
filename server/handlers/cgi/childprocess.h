#pragma once
// A CGI program as a child process: its standard streams on non-blocking pipes, watched by the
// thread that started it; a process group of its own, so that what it starts can be stopped
// with it; nothing of ours inherited (every other descriptor is closed in the child, signal
// dispositions and the signal mask are reset). Unix only: childprocess_unix.cpp; elsewhere
// (childprocess_win.cpp) start() says that this platform does not run CGI programs.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

namespace afcgi {

// How a child ended: its exit code, or the signal that killed it.
struct ChildExit
{
    int code = 0;
    int signal = 0; // non-zero: killed by this signal (code is then meaningless)
};

// What is left of a child once nobody reads its pipes: enough to stop and reap it from any
// thread. A plain value; whoever holds it must reap the child once.
struct ChildHandle
{
    qint64 pid = 0;   // 0: no child (it was reaped already)
    int exitFd = -1;  // readable once the child has exited (Linux: a pidfd); -1: poll reap()

    void terminateGroup() const; // SIGTERM to the child's process group
    void killGroup() const;      // SIGKILL to the child's process group
    bool hasExited() const;      // it has exited and waits to be reaped (no reap here)
    // The child's end, once it has exited; with `wait`, blocks until it has. Reaps it.
    std::optional<ChildExit> reap(bool wait) const;
    void closeExitFd();
};

struct ChildSpec
{
    QByteArray program;          // absolute path, executed directly: no shell, no PATH search
    QByteArray argv0;            // its name as it sees it; the program's path when empty
    QList<QByteArray> environment; // "NAME=value": the whole environment
    QByteArray workingDirectory; // empty: ours
};

class ChildProcess final : public QObject
{
    Q_OBJECT
public:
    static bool isSupported();
    // Starts `spec` on the calling thread; nullptr with the reason when it cannot be started
    // (exec failed: no such file, a missing interpreter, permission denied, ...).
    static std::unique_ptr<ChildProcess> start(const ChildSpec &spec, QString *error);
    // A child still ours is killed, its whole group, and reaped (a moment's wait at most).
    ~ChildProcess() override;

    qint64 pid() const;

    // As much of `bytes` as the pipe takes now: 0 when it is full (stdinWritable() follows),
    // -1 when the child no longer reads its stdin (it closed it, or exited).
    qint64 writeStdin(QByteArrayView bytes);
    void closeStdin();

    // What the child has written, at most `maxBytes`; empty when nothing is there yet (wait for
    // stdoutReady()) or at the end (isStdoutOpen() turns false).
    QByteArray readStdout(qsizetype maxBytes);
    QByteArray readStderr(qsizetype maxBytes);
    bool isStdoutOpen() const;
    bool isStderrOpen() const;
    // Paused: stdoutReady() is not emitted, so the child blocks once the pipe is full.
    void setStdoutPaused(bool paused);

    // Once exited() was emitted (or a reap found it gone).
    std::optional<ChildExit> exitStatus() const;
    // Checks now whether the child has exited (exited() is emitted if so).
    void pollExit();

    // Gives the child up to whoever finishes it (ChildReaper): the pipes are closed, this
    // object no longer kills or reaps it. A child already reaped gives a handle with pid 0.
    ChildHandle release();

Q_SIGNALS:
    void stdoutReady();  // data, or the end: read until readStdout() gives nothing
    void stderrReady();
    void stdinWritable();
    void exited();

private:
    ChildProcess();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace afcgi
