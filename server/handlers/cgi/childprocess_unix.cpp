// Platform code (Unix): CGI programs started with posix_spawn(), in a process group of their
// own, with pipes for their standard streams.
#include "handlers/cgi/childprocess.h"

#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(Q_OS_LINUX)
#include <sys/syscall.h>
#endif

namespace afcgi {

namespace {

// Without an exit descriptor (no pidfd), how often a child is checked: from 10 ms, doubling.
constexpr int kFirstPollMs = 10;
constexpr int kMaxPollMs = 200;
constexpr qsizetype kScratchBytes = 64 * 1024;

// Once per process: a child that stops reading its stdin must give us EPIPE, not SIGPIPE; and a
// SIGCHLD left ignored by whoever started us would reap our children before we can.
void prepareProcess()
{
    static const bool prepared = [] {
        std::signal(SIGPIPE, SIG_IGN);
        struct sigaction current = {};
        if (::sigaction(SIGCHLD, nullptr, &current) == 0 && current.sa_handler == SIG_IGN)
            std::signal(SIGCHLD, SIG_DFL);
        return true;
    }();
    Q_UNUSED(prepared);
}

bool makePipe(int fds[2])
{
#if defined(Q_OS_LINUX)
    return ::pipe2(fds, O_CLOEXEC) == 0;
#else
    if (::pipe(fds) != 0)
        return false;
    ::fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return true;
#endif
}

void setNonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

int openExitFd(pid_t pid)
{
#if defined(Q_OS_LINUX) && defined(SYS_pidfd_open)
    // Close-on-exec by default. Safe from pid reuse: the child is ours and not yet reaped.
    return int(::syscall(SYS_pidfd_open, pid, 0));
#else
    Q_UNUSED(pid);
    return -1;
#endif
}

// One end of a pipe with its notifier.
struct PipeEnd
{
    int fd = -1;
    QSocketNotifier *notifier = nullptr;

    void close()
    {
        if (notifier) {
            notifier->setEnabled(false);
            notifier->deleteLater(); // it may be the one emitting right now
            notifier = nullptr;
        }
        closeFd(fd);
    }
};

QByteArray readSome(PipeEnd &end, qsizetype maxBytes)
{
    if (end.fd < 0)
        return {};
    // Read into a buffer of the thread's, then copy what came: a short answer costs a short
    // allocation, not one of the largest size that might have come.
    thread_local std::unique_ptr<char[]> scratch;
    if (!scratch)
        scratch.reset(new char[kScratchBytes]);
    const qsizetype want = qMin(maxBytes, kScratchBytes);
    ssize_t n;
    do {
        n = ::read(end.fd, scratch.get(), size_t(want));
    } while (n < 0 && errno == EINTR);
    if (n > 0)
        return QByteArray(scratch.get(), n);
    if (n < 0 && errno == EAGAIN)
        return {};
    end.close(); // the end of the stream (or an error, which ends it as well)
    return {};
}

} // namespace

// --- ChildHandle ------------------------------------------------------------------------------

void ChildHandle::terminateGroup() const
{
    if (pid > 0)
        ::kill(-pid_t(pid), SIGTERM);
}

void ChildHandle::killGroup() const
{
    if (pid > 0)
        ::kill(-pid_t(pid), SIGKILL);
}

bool ChildHandle::hasExited() const
{
    if (pid <= 0)
        return true;
    siginfo_t info = {};
    int rc;
    do {
        rc = ::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    } while (rc < 0 && errno == EINTR);
    return rc < 0 || info.si_pid != 0; // an error: not ours to wait for any more
}

std::optional<ChildExit> ChildHandle::reap(bool wait) const
{
    if (pid <= 0)
        return ChildExit{};
    int status = 0;
    pid_t got;
    do {
        got = ::waitpid(pid_t(pid), &status, wait ? 0 : WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == 0)
        return std::nullopt;
    if (got < 0)
        return ChildExit{-1, 0}; // reaped by someone else: its end is unknown
    if (WIFSIGNALED(status))
        return ChildExit{0, WTERMSIG(status)};
    return ChildExit{WEXITSTATUS(status), 0};
}

void ChildHandle::closeExitFd()
{
    closeFd(exitFd);
}

// --- ChildProcess -----------------------------------------------------------------------------

struct ChildProcess::Private
{
    ChildHandle handle;
    PipeEnd stdinPipe;
    PipeEnd stdoutPipe;
    PipeEnd stderrPipe;
    QSocketNotifier *exitNotifier = nullptr;
    QTimer *pollTimer = nullptr;
    std::optional<ChildExit> exit;
    bool owned = true;
};

ChildProcess::ChildProcess() : d(std::make_unique<Private>()) {}

bool ChildProcess::isSupported()
{
    return true;
}

std::unique_ptr<ChildProcess> ChildProcess::start(const ChildSpec &spec, QString *error)
{
    prepareProcess();
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    int err[2] = {-1, -1};
    const auto closeAll = [&] {
        for (int *fd : {&in[0], &in[1], &out[0], &out[1], &err[0], &err[1]})
            closeFd(*fd);
    };
    if (!makePipe(in) || !makePipe(out) || !makePipe(err)) {
        *error = QStringLiteral("cannot make pipes: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        closeAll();
        return nullptr;
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copy: the child keeps 0, 1 and 2 and nothing else.
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Our descriptors are close-on-exec; this also covers any that are not (inherited ones).
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
#endif
    if (!spec.workingDirectory.isEmpty()) {
#if (defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))) || defined(Q_OS_MACOS)
        posix_spawn_file_actions_addchdir_np(&actions, spec.workingDirectory.constData());
#endif
    }

    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
#if defined(Q_OS_MACOS)
    flags |= POSIX_SPAWN_CLOEXEC_DEFAULT; // only the three dup2'ed descriptors survive
#endif
    posix_spawnattr_setflags(&attributes, flags);
    posix_spawnattr_setpgroup(&attributes, 0); // a group of its own, led by the child
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attributes, &signals);
    sigfillset(&signals); // every disposition back to its default (SIGPIPE, which we ignore, too)
    posix_spawnattr_setsigdefault(&attributes, &signals);

    const QByteArray argv0 = spec.argv0.isEmpty() ? spec.program : spec.argv0;
    char *argv[] = {const_cast<char *>(argv0.constData()), nullptr};
    std::vector<char *> envp;
    envp.reserve(size_t(spec.environment.size()) + 1);
    for (const QByteArray &entry : spec.environment)
        envp.push_back(const_cast<char *>(entry.constData()));
    envp.push_back(nullptr);

    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, spec.program.constData(), &actions, &attributes, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    closeFd(in[0]);
    closeFd(out[1]);
    closeFd(err[1]);
    if (rc != 0) {
        *error = QString::fromLocal8Bit(std::strerror(rc));
        closeAll();
        return nullptr;
    }

    std::unique_ptr<ChildProcess> child(new ChildProcess);
    Private &p = *child->d;
    ChildProcess *self = child.get();
    p.handle.pid = pid;
    for (int fd : {in[1], out[0], err[0]})
        setNonBlocking(fd);
    p.stdinPipe.fd = in[1];
    p.stdoutPipe.fd = out[0];
    p.stderrPipe.fd = err[0];
    p.stdoutPipe.notifier = new QSocketNotifier(out[0], QSocketNotifier::Read, self);
    connect(p.stdoutPipe.notifier, &QSocketNotifier::activated, self, &ChildProcess::stdoutReady);
    p.stderrPipe.notifier = new QSocketNotifier(err[0], QSocketNotifier::Read, self);
    connect(p.stderrPipe.notifier, &QSocketNotifier::activated, self, &ChildProcess::stderrReady);
    p.stdinPipe.notifier = new QSocketNotifier(in[1], QSocketNotifier::Write, self);
    p.stdinPipe.notifier->setEnabled(false); // only while a write is waiting for room
    connect(p.stdinPipe.notifier, &QSocketNotifier::activated, self, [self] {
        self->d->stdinPipe.notifier->setEnabled(false);
        Q_EMIT self->stdinWritable();
    });
    p.handle.exitFd = openExitFd(pid);
    if (p.handle.exitFd >= 0) {
        p.exitNotifier = new QSocketNotifier(p.handle.exitFd, QSocketNotifier::Read, self);
        connect(p.exitNotifier, &QSocketNotifier::activated, self, &ChildProcess::pollExit);
    } else {
        p.pollTimer = new QTimer(self);
        p.pollTimer->setInterval(kFirstPollMs);
        connect(p.pollTimer, &QTimer::timeout, self, [self] {
            QTimer *timer = self->d->pollTimer;
            timer->setInterval(qMin(kMaxPollMs, timer->interval() * 2));
            self->pollExit();
        });
        p.pollTimer->start();
    }
    return child;
}

ChildProcess::~ChildProcess()
{
    d->stdinPipe.close();
    d->stdoutPipe.close();
    d->stderrPipe.close();
    if (d->owned && !d->exit) {
        d->handle.killGroup();
        d->handle.reap(true);
    }
    delete d->exitNotifier;
    d->handle.closeExitFd();
}

qint64 ChildProcess::pid() const
{
    return d->handle.pid;
}

qint64 ChildProcess::writeStdin(QByteArrayView bytes)
{
    PipeEnd &in = d->stdinPipe;
    if (in.fd < 0)
        return -1;
    ssize_t n;
    do {
        n = ::write(in.fd, bytes.data(), size_t(bytes.size()));
    } while (n < 0 && errno == EINTR);
    if (n >= 0)
        return n;
    if (errno == EAGAIN) {
        in.notifier->setEnabled(true);
        return 0;
    }
    in.close(); // EPIPE: the child has closed its end
    return -1;
}

void ChildProcess::closeStdin()
{
    d->stdinPipe.close();
}

QByteArray ChildProcess::readStdout(qsizetype maxBytes)
{
    return readSome(d->stdoutPipe, maxBytes);
}

QByteArray ChildProcess::readStderr(qsizetype maxBytes)
{
    return readSome(d->stderrPipe, maxBytes);
}

bool ChildProcess::isStdoutOpen() const
{
    return d->stdoutPipe.fd >= 0;
}

bool ChildProcess::isStderrOpen() const
{
    return d->stderrPipe.fd >= 0;
}

void ChildProcess::setStdoutPaused(bool paused)
{
    if (d->stdoutPipe.notifier)
        d->stdoutPipe.notifier->setEnabled(!paused);
}

std::optional<ChildExit> ChildProcess::exitStatus() const
{
    return d->exit;
}

void ChildProcess::pollExit()
{
    if (d->exit || !d->owned)
        return;
    const std::optional<ChildExit> exit = d->handle.reap(false);
    if (!exit)
        return;
    d->exit = exit;
    if (d->exitNotifier) {
        d->exitNotifier->setEnabled(false);
        d->exitNotifier->deleteLater();
        d->exitNotifier = nullptr;
    }
    d->handle.closeExitFd();
    if (d->pollTimer)
        d->pollTimer->stop();
    Q_EMIT exited();
}

ChildHandle ChildProcess::release()
{
    d->stdinPipe.close();
    d->stdoutPipe.close();
    d->stderrPipe.close();
    if (d->exitNotifier) {
        d->exitNotifier->setEnabled(false);
        d->exitNotifier->deleteLater();
        d->exitNotifier = nullptr;
    }
    if (d->pollTimer)
        d->pollTimer->stop();
    if (!d->owned || d->exit)
        return {};
    d->owned = false;
    ChildHandle handle = d->handle;
    d->handle.exitFd = -1; // the new owner's now
    return handle;
}

} // namespace afcgi
