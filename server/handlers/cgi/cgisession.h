#pragma once
// One request served by a CGI program: a slot from the limiter (or a place in its queue), the
// child, the request body streamed to its stdin as it arrives, its stdout parsed for the header
// block and then streamed on as it comes once the body has come whole (see pumpStdout()), its
// stderr to the log. Flow control both ways: stdout
// is read only while the request can take more (so a slow reader stalls the program, not our
// memory), and what the program has not read of the body yet waits in a BodySpool (memory, then
// a temporary file), so the connection, which may carry other requests, never stalls.
// Lives on the request's thread, as the request's child.

#include "handlers/bodyspool.h"
#include "handlers/cgi/cgichildtable.h"
#include "handlers/cgi/cgihandler.h"
#include "handlers/cgi/cgiheaderparser.h"
#include "handlers/cgi/cgilimiter.h"
#include "handlers/cgi/childreaper.h"

#include <QObject>

#include <memory>

namespace afcgi {

class ChildProcess;
class Request;

class CgiSession final : public QObject
{
    Q_OBJECT
public:
    CgiSession(Request *request, CgiBridge *bridge, const CgiHandler *handler, CgiInvocation invocation);
    ~CgiSession() override; // a child still running is terminated, its slot freed once it is reaped

    void start(); // asks for a slot; the child starts once there is one

private:
    void spawn();
    void onInput();
    void spoolInput(const QByteArray &input);
    void pumpStdin();
    void pumpStdout();
    void takeHeaderBytes(const QByteArray &chunk);
    void applyHeaders(QByteArrayView firstBody);
    void localRedirect();
    void onStderr();
    void takeStderr(const QByteArray &chunk);
    void logStderrLine(QByteArrayView line);
    void onExited();
    void maybeFinish();
    void finish();
    void onTimeout();
    void onAborted();
    void failBadHeader();
    void respondError(int status, QByteArrayView body);
    void releaseChild(ChildReaper::Finish finish);
    QString describe() const; // "conn 3 request 1: git-http-backend (pid 4242)"
    QString exitText() const;

    Request *m_request;
    CgiBridge *m_bridge;
    const CgiHandler *m_handler;
    CgiInvocation m_invocation;
    CgiLimiter::Ticket m_ticket;
    std::unique_ptr<ChildProcess> m_child;
    qint64 m_pid = 0;
    CgiChildTable::EntryPtr m_entry;
    CgiHeaderParser m_parser;
    BodySpool m_spool;
    QByteArray m_pendingStdin;      // a chunk the pipe has taken only part of
    qsizetype m_pendingStdinPos = 0;
    QByteArray m_stderrLine;        // a stderr line whose end has not come yet
    qint64 m_stderrLogged = 0;
    qint64 m_stderrForwarded = 0;
    qint64 m_stdoutBytes = 0;
    int m_redirects = 0;
    bool m_stdinDone = false;   // closed, or the program stopped reading it
    bool m_headersDone = false;
    bool m_stdoutDone = false;
    bool m_finished = false;    // answered (or aborted): nothing more goes to the request
    bool m_exitWaitStarted = false;
};

} // namespace afcgi
