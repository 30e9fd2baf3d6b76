#pragma once
// Runs the real afcgid and real front ends (nginx, ...) for the end-to-end tests: free ports,
// one temporary directory for sockets, configs and logs, readiness by polling connect() with
// a deadline, and every process stopped when the fixture goes away.

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace e2e {

class ProcessFixture
{
public:
    ProcessFixture();
    ~ProcessFixture(); // stops every process still running, last started first

    static QString afcgidPath();
    // The absolute path of a program on PATH (also /usr/sbin and /sbin, where nginx lives), or
    // an empty string.
    static QString findTool(const QString &name);
    // Under CI=true a missing tool fails the test; elsewhere it skips it.
    static bool missingToolIsFailure();
    // A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
    static quint16 freeTcpPort();
    // One connect() to "host:port" or "unix:/path"; true when it is accepted within timeoutMs.
    static bool canConnect(const QString &address, int timeoutMs = 500);

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Starts `program` with its stdout and stderr going to <tmp>/<logName>.log, then polls
    // connect() on readyAddress until it is accepted (or the process exits, or timeoutMs passes).
    // On failure returns nullptr with a reason that includes the process's log.
    QProcess *start(const QString &program, const QStringList &arguments, const QString &logName,
                    const QString &readyAddress, QString *error, int timeoutMs = 10000);

    // afcgid with these arguments (which include the --listen ones), ready on readyAddress.
    // Adds --monitor <tmp>/monitor.sock unless the arguments name a monitor channel.
    QProcess *startAfcgid(const QStringList &arguments, const QString &readyAddress,
                          QString *error);
    QStringList monitorArguments(const QStringList &arguments) const;

    // nginx on 127.0.0.1:httpPort with resources/nginx/afcgi.conf, its upstream pointed at
    // `upstreamServer` ("127.0.0.1:PORT" or "unix:/path"). Logs, pid and temp files stay in
    // the temporary directory.
    QProcess *startNginx(const QString &upstreamServer, quint16 httpPort, QString *error);

    // Builds the nginx.conf that startNginx() uses (also writes the afcgi.conf it includes).
    bool writeNginxConfig(const QString &upstreamServer, quint16 httpPort, QString *error);

    // SIGTERM, wait up to timeoutMs, then SIGKILL. No-op when the process is not running.
    static void stop(QProcess *process, int timeoutMs = 5000);

    QByteArray log(const QString &logName) const; // the contents of <tmp>/<logName>.log
    QByteArray allLogs() const;                    // every log, each with a heading

private:
    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    QStringList m_logNames;
};

} // namespace e2e

// For a test function or initTestCase(): declares `var` as the path of the tool, or skips
// (fails under CI=true) when it is not installed.
#define E2E_REQUIRE_TOOL(var, name)                                                            \
    const QString var = e2e::ProcessFixture::findTool(QStringLiteral(name));                   \
    do {                                                                                       \
        if (var.isEmpty()) {                                                                   \
            if (e2e::ProcessFixture::missingToolIsFailure())                                   \
                QFAIL(name " is not installed (CI=true: a missing tool is a failure)");        \
            QSKIP(name " is not installed");                                                   \
        }                                                                                      \
    } while (false)
