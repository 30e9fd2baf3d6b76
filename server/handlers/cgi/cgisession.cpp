#include "handlers/cgi/cgisession.h"

#include <afcgi/request.h>

#include "config/logging.h"
#include "handlers/cgi/cgibridge.h"
#include "handlers/cgi/childprocess.h"

#include <QTimer>
#include <QUrl>

namespace afcgi {

namespace {
constexpr qsizetype kReadBytes = 64 * 1024;
constexpr qsizetype kStderrLineBytes = 4096;       // a longer line is logged in pieces
constexpr qint64 kStderrLogBytes = 64 * 1024;      // per request, to afcgid's log
constexpr qint64 kStderrForwardBytes = 1024 * 1024; // per request, to FastCGI STDERR
constexpr int kMaxLocalRedirects = 10;
// Its stdout closed, a program normally exits at once; one that does not is left to finish by
// itself (it still holds its slot), and the request is answered without its exit status.
constexpr int kExitAfterStdoutMs = 1000;
constexpr int kSignalStatusBase = 128; // appStatus of a program killed by a signal, as shells say
} // namespace

CgiSession::CgiSession(Request *request, CgiBridge *bridge, const CgiHandler *handler,
                       CgiInvocation invocation)
    : QObject(request),
      m_request(request),
      m_bridge(bridge),
      m_handler(handler),
      m_invocation(std::move(invocation)),
      m_parser(m_invocation.nph ? CgiHeaderParser::Mode::Nph : CgiHeaderParser::Mode::Cgi),
      m_spool(bridge->bodyMemoryBytes())
{
    connect(request, &Request::inputReady, this, &CgiSession::onInput);
    connect(request, &Request::inputEnded, this, &CgiSession::onInput);
    connect(request, &Request::writable, this, [this] {
        if (m_child)
            m_child->setStdoutPaused(false);
        pumpStdout();
    });
    connect(request, &Request::aborted, this, &CgiSession::onAborted);
}

CgiSession::~CgiSession()
{
    releaseChild(ChildReaper::Finish::Terminate);
}

QString CgiSession::describe() const
{
    QString text = QStringLiteral("conn %1 request %2: %3")
                       .arg(m_request->connectionId()).arg(m_request->id()).arg(m_invocation.programName);
    if (m_pid > 0)
        text += QStringLiteral(" (pid %1)").arg(m_pid);
    return text;
}

QString CgiSession::exitText() const
{
    const std::optional<ChildExit> exit = m_child ? m_child->exitStatus() : std::nullopt;
    if (!exit)
        return QStringLiteral("still running");
    if (exit->signal != 0)
        return QStringLiteral("killed by signal %1").arg(exit->signal);
    return QStringLiteral("exited with code %1").arg(exit->code);
}

void CgiSession::start()
{
    m_request->setNote(QStringLiteral("cgi waiting for a slot: %1").arg(m_invocation.programName));
    const CgiLimiter::Outcome outcome =
        m_bridge->limiter().acquire(m_invocation.pool, this, [this] { spawn(); }, &m_ticket);
    if (outcome == CgiLimiter::Outcome::Rejected) {
        m_bridge->table().count(CgiChildTable::Counter::Rejected);
        qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": 503: %1 CGI programs running and %2 waiting")
                                                       .arg(m_bridge->limiter().running())
                                                       .arg(m_bridge->limiter().queued());
        m_request->setHeader("Retry-After", "1");
        respondError(503, "Service Unavailable\n");
        return;
    }
    onInput(); // what arrived with the params waits in the spool until the child runs
    if (outcome == CgiLimiter::Outcome::Granted)
        spawn();
}

void CgiSession::spawn()
{
    if (m_finished)
        return;
    QString error;
    m_child = ChildProcess::start(m_invocation.spec, &error);
    if (!m_child) {
        m_bridge->table().count(CgiChildTable::Counter::StartFailures);
        qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": 502: cannot run %1: %2")
                                                       .arg(QString::fromLocal8Bit(m_invocation.spec.program), error);
        m_bridge->limiter().release(m_ticket);
        respondError(502, "Bad Gateway\n");
        return;
    }
    m_pid = m_child->pid();
    m_bridge->table().count(CgiChildTable::Counter::Started);
    m_entry = m_bridge->table().add(m_pid, m_invocation.programName, m_invocation.mount,
                                    m_request->connectionId(), m_request->id());
    m_request->setNote(QStringLiteral("cgi pid %1 %2").arg(m_pid).arg(m_invocation.programName));
    qCDebug(lcCgi).noquote() << describe() + QStringLiteral(": started");
    connect(m_child.get(), &ChildProcess::stdoutReady, this, &CgiSession::pumpStdout);
    connect(m_child.get(), &ChildProcess::stderrReady, this, &CgiSession::onStderr);
    connect(m_child.get(), &ChildProcess::stdinWritable, this, &CgiSession::pumpStdin);
    connect(m_child.get(), &ChildProcess::exited, this, &CgiSession::onExited);
    if (m_invocation.timeoutMs > 0)
        m_request->callAfter(m_invocation.timeoutMs, [this] { onTimeout(); });
    pumpStdin();
}

// --- stdin ------------------------------------------------------------------------------------

void CgiSession::onInput()
{
    const QByteArray input = m_request->readInput(); // always taken: nothing piles up in the request
    if (m_finished)
        return;
    if (!m_stdinDone)
        spoolInput(input);
    if (m_request->isInputFinished() && m_child) {
        m_child->setStdoutPaused(false); // the answer held by pumpStdout() may go now
        pumpStdout();
    }
}

void CgiSession::spoolInput(const QByteArray &input)
{
    if (!input.isEmpty() && !m_spool.append(input)) {
        qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": cannot spool the request body to a "
                                                                  "temporary file: the program's stdin is cut short");
        m_stdinDone = true;
        m_spool.clear();
        if (m_child)
            m_child->closeStdin();
        return;
    }
    pumpStdin();
}

void CgiSession::pumpStdin()
{
    if (!m_child || m_stdinDone)
        return;
    for (;;) {
        if (m_pendingStdinPos >= m_pendingStdin.size()) {
            m_pendingStdin = m_spool.takeChunk();
            m_pendingStdinPos = 0;
            if (m_pendingStdin.isEmpty())
                break;
        }
        const qint64 written = m_child->writeStdin(QByteArrayView(m_pendingStdin).sliced(m_pendingStdinPos));
        if (written < 0) {
            // It stopped reading (or exited): the rest of the body is read and dropped, so that
            // neither the connection nor the web server ever waits on it.
            qCDebug(lcCgi).noquote() << describe() + QStringLiteral(": stopped reading its stdin");
            m_stdinDone = true;
            m_spool.clear();
            m_pendingStdin.clear();
            return;
        }
        if (written == 0)
            return; // stdinWritable() brings us back
        m_pendingStdinPos += written;
        CgiChildTable::addBytesIn(*m_entry, written);
    }
    if (m_request->isInputFinished()) {
        m_child->closeStdin();
        m_stdinDone = true;
    }
}

// --- stdout -----------------------------------------------------------------------------------

void CgiSession::pumpStdout()
{
    // The answer waits until the request's body has come whole, as with fcgiwrap (which writes
    // the whole body before it reads the answer). nginx stops passing a body on once it has sent
    // the answer's header to its client (with fastcgi_request_buffering off, as soon as it has
    // had to wait for us once), so an answer that left earlier stalled the upload for good: a
    // git push, whose git-http-backend writes its header before it reads the pack.
    if (!m_request->isInputFinished()) {
        if (m_child)
            m_child->setStdoutPaused(true); // onInput() resumes it at the body's end
        return;
    }
    while (m_child && m_child->isStdoutOpen() && !m_finished) {
        if (m_headersDone && !m_request->canWrite()) {
            m_child->setStdoutPaused(true); // writable() resumes it
            return;
        }
        const QByteArray chunk = m_child->readStdout(kReadBytes);
        if (chunk.isEmpty())
            break;
        m_stdoutBytes += chunk.size();
        CgiChildTable::addBytesOut(*m_entry, chunk.size());
        if (m_headersDone)
            m_request->write(chunk);
        else
            takeHeaderBytes(chunk);
    }
    if (!m_child || m_finished || m_child->isStdoutOpen() || m_stdoutDone)
        return;
    m_stdoutDone = true;
    maybeFinish();
}

void CgiSession::takeHeaderBytes(const QByteArray &chunk)
{
    const qsizetype used = m_parser.feed(chunk);
    if (m_parser.hasFailed()) {
        failBadHeader();
        return;
    }
    if (!m_parser.isComplete())
        return;
    m_headersDone = true;
    if (m_parser.isLocalRedirect()) {
        localRedirect();
        return;
    }
    applyHeaders(QByteArrayView(chunk).sliced(used));
}

void CgiSession::applyHeaders(QByteArrayView firstBody)
{
    m_request->setStatus(m_parser.status(), m_parser.reason());
    for (const CgiHeaderParser::Field &field : m_parser.fields())
        m_request->setHeader(field.first, field.second);
    m_request->write(firstBody); // the headers go out now, even without a body yet
}

void CgiSession::localRedirect()
{
    // RFC 3875 6.2.2: the server answers the request as if it had been for the new path. That
    // is done here when this handler serves that path and the request had no body to give a
    // second program; otherwise the front end gets a redirect to it.
    const QByteArray location = m_parser.location();
    const qsizetype mark = location.indexOf('?');
    const QByteArray query = mark < 0 ? QByteArray() : location.mid(mark + 1);
    const QString path = QUrl::fromPercentEncoding(mark < 0 ? location : location.left(mark));
    int status = 0;
    QString why;
    std::optional<CgiInvocation> next;
    if (m_request->inputReceived() == 0 && m_redirects < kMaxLocalRedirects)
        next = m_handler->invocationFor(m_request, path, query, true, &status, &why);
    if (!next) {
        m_request->setStatus(302);
        m_request->setHeader("Location", location);
        m_request->write({});
        return; // the request ends with the program's exit
    }
    ++m_redirects;
    qCDebug(lcCgi).noquote() << describe() + QStringLiteral(": local redirect to %1").arg(QString::fromUtf8(location));
    releaseChild(ChildReaper::Finish::Wait);
    m_invocation = std::move(*next);
    m_parser = CgiHeaderParser(m_invocation.nph ? CgiHeaderParser::Mode::Nph : CgiHeaderParser::Mode::Cgi);
    m_headersDone = m_stdoutDone = m_stdinDone = m_exitWaitStarted = false;
    m_pendingStdin.clear();
    m_pendingStdinPos = 0;
    m_pid = 0;
    start();
}

// --- stderr -----------------------------------------------------------------------------------

void CgiSession::onStderr()
{
    while (m_child && m_child->isStderrOpen()) {
        const QByteArray chunk = m_child->readStderr(kReadBytes);
        if (chunk.isEmpty())
            break;
        takeStderr(chunk);
    }
    if (m_child && !m_child->isStderrOpen() && !m_stderrLine.isEmpty())
        logStderrLine(std::exchange(m_stderrLine, {}));
}

void CgiSession::takeStderr(const QByteArray &chunk)
{
    const CgiStderr mode = m_bridge->config().stderrMode;
    if (mode != CgiStderr::Log && m_stderrForwarded < kStderrForwardBytes) {
        const QByteArrayView part = QByteArrayView(chunk).first(qMin<qsizetype>(chunk.size(), kStderrForwardBytes - m_stderrForwarded));
        m_request->writeStderr(part);
        m_stderrForwarded += part.size();
    }
    if (mode == CgiStderr::FastCgi)
        return;
    m_stderrLine += chunk;
    qsizetype start = 0;
    for (qsizetype newline; (newline = m_stderrLine.indexOf('\n', start)) >= 0; start = newline + 1)
        logStderrLine(QByteArrayView(m_stderrLine).sliced(start, newline - start));
    m_stderrLine.remove(0, start);
    while (m_stderrLine.size() >= kStderrLineBytes) {
        logStderrLine(QByteArrayView(m_stderrLine).first(kStderrLineBytes));
        m_stderrLine.remove(0, kStderrLineBytes);
    }
}

void CgiSession::logStderrLine(QByteArrayView line)
{
    if (line.endsWith('\r'))
        line.chop(1);
    if (m_stderrLogged >= kStderrLogBytes)
        return;
    m_stderrLogged += line.size() + 1;
    if (m_stderrLogged >= kStderrLogBytes) {
        qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": more on stderr than %1 bytes; the rest is not logged")
                                                       .arg(kStderrLogBytes);
        return;
    }
    qCWarning(lcCgi).noquote() << describe() + QStringLiteral(" stderr: ") + QString::fromUtf8(line);
}

// --- the end ----------------------------------------------------------------------------------

void CgiSession::onExited()
{
    if (m_child && m_child->exitStatus() && m_child->exitStatus()->signal != 0)
        m_bridge->table().count(CgiChildTable::Counter::KilledBySignal);
    if (m_finished)
        return;
    pumpStdout(); // what it wrote last, and the end of its stdout
    maybeFinish();
}

void CgiSession::maybeFinish()
{
    if (m_finished || !m_child || !m_stdoutDone)
        return;
    if (!m_child->exitStatus())
        m_child->pollExit(); // its exit may run finish() already
    if (m_finished)
        return;
    if (m_child->exitStatus()) {
        finish();
        return;
    }
    if (!m_exitWaitStarted) {
        m_exitWaitStarted = true;
        QTimer::singleShot(kExitAfterStdoutMs, this, [this] {
            if (!m_finished && m_child)
                finish();
        });
    }
}

void CgiSession::finish()
{
    onStderr(); // what is left of it
    if (!m_stderrLine.isEmpty())
        logStderrLine(std::exchange(m_stderrLine, {}));
    if (!m_headersDone) {
        m_parser.finish(); // the output ended inside (or before) the header block
        failBadHeader();
        return;
    }
    const std::optional<ChildExit> exit = m_child->exitStatus();
    quint32 appStatus = 0;
    if (exit && exit->signal != 0) {
        qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": %1 after writing %2 bytes: its answer may be cut short")
                                                       .arg(exitText()).arg(m_stdoutBytes);
        appStatus = quint32(kSignalStatusBase + exit->signal);
    } else if (exit) {
        if (exit->code != 0)
            qCInfo(lcCgi).noquote() << describe() + QStringLiteral(": %1").arg(exitText());
        appStatus = quint32(qMax(0, exit->code));
    }
    m_finished = true;
    releaseChild(ChildReaper::Finish::Wait);
    m_request->end(appStatus); // FastCGI's appStatus is the CGI program's exit status
}

void CgiSession::onTimeout()
{
    if (m_finished)
        return;
    m_bridge->table().count(CgiChildTable::Counter::TimedOut);
    qCWarning(lcCgi).noquote() << describe() + QStringLiteral(": ran longer than %1 ms: terminating its process group%2")
                                                   .arg(m_invocation.timeoutMs)
                                                   .arg(m_request->headersSent() ? QStringLiteral(" (its answer is cut short)")
                                                                                 : QStringLiteral(", 504"));
    releaseChild(ChildReaper::Finish::Terminate);
    if (m_request->headersSent()) {
        m_finished = true;
        m_request->end();
    } else {
        respondError(504, "Gateway Timeout\n");
    }
}

void CgiSession::onAborted()
{
    if (m_child)
        qCInfo(lcCgi).noquote() << describe() + QStringLiteral(": the client went away: terminating its process group");
    m_finished = true;
    releaseChild(ChildReaper::Finish::Terminate);
}

void CgiSession::failBadHeader()
{
    if (m_finished)
        return;
    m_bridge->table().count(CgiChildTable::Counter::BadHeaders);
    qCWarning(lcCgi).noquote()
        << describe() + QStringLiteral(": 502: %1 (%2); its output began with \"%3\"")
                            .arg(QLatin1String(CgiHeaderParser::toString(m_parser.error())), exitText(),
                                 QString::fromLatin1(m_parser.firstBytesForLog()));
    releaseChild(ChildReaper::Finish::Terminate);
    respondError(502, "Bad Gateway\n");
}

void CgiSession::respondError(int status, QByteArrayView body)
{
    m_finished = true;
    m_request->respond(status, "text/plain", body);
}

void CgiSession::releaseChild(ChildReaper::Finish finish)
{
    CgiBridge *bridge = m_bridge;
    CgiLimiter::Ticket ticket = std::exchange(m_ticket, nullptr);
    CgiChildTable::EntryPtr entry = std::exchange(m_entry, nullptr);
    auto onGone = [bridge, ticket, entry] {
        bridge->limiter().release(ticket);
        if (entry)
            bridge->table().remove(entry);
    };
    if (!m_child) {
        onGone(); // queued, or never started: just the place in the queue (or the slot)
        return;
    }
    if (entry)
        CgiChildTable::setFinishing(*entry);
    const bool running = !m_child->exitStatus();
    const ChildHandle handle = m_child->release();
    // Later: this may run inside one of its signals (its stdout's end, its exit).
    m_child.release()->deleteLater();
    if (handle.pid == 0) {
        onGone();
        return;
    }
    if (finish == ChildReaper::Finish::Terminate && running)
        bridge->table().count(CgiChildTable::Counter::Terminated);
    bridge->reaper().adopt(handle, finish, std::move(onGone));
}

} // namespace afcgi
