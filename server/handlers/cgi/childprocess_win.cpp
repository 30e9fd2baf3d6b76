// Platform code (Windows): no CGI programs. The configuration refuses CGI settings at start-up
// ("CGI is not supported on this platform"), so nothing here is reached in a running afcgid.
#include "handlers/cgi/childprocess.h"

namespace afcgi {

void ChildHandle::terminateGroup() const {}
void ChildHandle::killGroup() const {}
bool ChildHandle::hasExited() const
{
    return true;
}
std::optional<ChildExit> ChildHandle::reap(bool) const
{
    return ChildExit{};
}
void ChildHandle::closeExitFd()
{
    exitFd = -1;
}

struct ChildProcess::Private
{
};

ChildProcess::ChildProcess() : d(std::make_unique<Private>()) {}
ChildProcess::~ChildProcess() = default;

bool ChildProcess::isSupported()
{
    return false;
}

std::unique_ptr<ChildProcess> ChildProcess::start(const ChildSpec &, QString *error)
{
    *error = QStringLiteral("CGI is not supported on this platform");
    return nullptr;
}

qint64 ChildProcess::pid() const { return 0; }
qint64 ChildProcess::writeStdin(QByteArrayView) { return -1; }
void ChildProcess::closeStdin() {}
QByteArray ChildProcess::readStdout(qsizetype) { return {}; }
QByteArray ChildProcess::readStderr(qsizetype) { return {}; }
bool ChildProcess::isStdoutOpen() const { return false; }
bool ChildProcess::isStderrOpen() const { return false; }
void ChildProcess::setStdoutPaused(bool) {}
std::optional<ChildExit> ChildProcess::exitStatus() const { return ChildExit{}; }
void ChildProcess::pollExit() {}
ChildHandle ChildProcess::release() { return {}; }

} // namespace afcgi
