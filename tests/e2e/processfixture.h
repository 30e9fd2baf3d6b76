#pragma once
// Runs the real afcgid and real front ends (nginx, HAProxy, ...) for the end-to-end tests: free
// ports, one temporary directory for sockets, configs and logs, readiness by polling connect()
// with a deadline, and every process stopped when the fixture goes away. Also the two clients
// every test drives them with: curl over HTTP, and afcgid's own /status over FastCGI.

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>
#include <vector>

namespace e2e {

struct CurlResult
{
    int exitCode = -1;
    int httpStatus = 0;
    QByteArray contentType;
    QByteArray body;
    QByteArray errors; // curl's stderr
};

class ProcessFixture
{
public:
    ProcessFixture();
    ~ProcessFixture(); // stops every process still running, last started first

    static QString afcgidPath();
    // The absolute path of a program on PATH (also /usr/sbin and /sbin, where nginx lives), or
    // an empty string.
    static QString findTool(const QString &name);
    // With AFCGI_TEST_STRICT=1 a missing tool fails the test; otherwise it skips it.
    static bool missingToolIsFailure();
    // A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
    static quint16 freeTcpPort();
    // One connect() to "host:port" or "unix:/path"; true when it is accepted within timeoutMs.
    static bool canConnect(const QString &address, int timeoutMs = 500);

    bool isValid() const { return m_dir.isValid(); }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString dirPath() const { return m_dir.path(); }

    // Starts `program` with its stdout and stderr going to <tmp>/<logName>.log, then polls
    // connect() on readyAddress until it is accepted (or the process exits, or timeoutMs passes).
    // On failure returns nullptr with a reason that includes the process's log. An empty
    // environment means the test's own.
    QProcess *start(const QString &program, const QStringList &arguments, const QString &logName,
                    const QString &readyAddress, QString *error, int timeoutMs = 10000,
                    const QProcessEnvironment &environment = QProcessEnvironment());

    // afcgid with these arguments (which include the --listen ones), ready on readyAddress.
    // Adds --monitor <tmp>/monitor.sock unless the arguments name a monitor channel. An empty
    // environment means the test's own (as for start()).
    QProcess *startAfcgid(const QStringList &arguments, const QString &readyAddress,
                          QString *error,
                          const QProcessEnvironment &environment = QProcessEnvironment());
    QStringList monitorArguments(const QStringList &arguments) const;

    // --- configs made from the samples under resources/ ------------------------------------

    // The absolute path of resources/<relative>.
    static QString samplePath(const QString &relative);
    // In the one line of the sample that starts (after its indentation) with `from`, `from`
    // becomes `to`; the indentation and the rest of the line stay.
    struct Substitution
    {
        QString from;
        QString to;
    };
    // Writes <tmp>/<fileName>: the sample resources/<sample> with the substitutions made. Fails
    // when a substitution does not match exactly one line, so a sample cannot drift away from
    // the tests that run it.
    bool writeFromSample(const QString &sample, const QList<Substitution> &substitutions,
                         const QString &fileName, QString *error) const;
    bool writeFile(const QString &fileName, const QByteArray &contents, QString *error) const;
    // A log that a process writes by itself, <tmp>/<logName>.log, shown by allLogs().
    void addLog(const QString &logName);

    // SIGTERM, wait up to timeoutMs, then SIGKILL. No-op when the process is not running.
    static void stop(QProcess *process, int timeoutMs = 5000);

    QByteArray log(const QString &logName) const; // the contents of <tmp>/<logName>.log
    QByteArray allLogs() const;                    // the last 32 KB of every log, each with a heading

    // --- clients -------------------------------------------------------------------------

    // curl -sS with a time limit, writing what `-w` asks for to its stdout; then `arguments`.
    // Started, not waited for; the caller owns it (destroying it kills curl).
    static std::unique_ptr<QProcess> startCurl(const QStringList &arguments, int maxTimeSeconds = 30);
    // One transfer: the status, Content-Type and body of `url`.
    CurlResult curl(const QString &url, const QStringList &arguments = {}) const;
    // Arguments for one curl that runs all the transfers at once, each on its own connection,
    // and prints one HTTP status per line (000 for a transfer that failed).
    static QStringList parallelCurlArguments(const QStringList &urls);
    static QList<int> statusesOf(const QByteArray &curlOutput);

    // GET /status (or /status?full=1) straight from afcgid over FastCGI; empty on failure.
    static QJsonObject afcgidStatus(const QString &address, bool full = false);
    // requests.active, not counting the /status request that asked.
    static int activeRequests(const QJsonObject &status);
    static int abortedRequests(const QJsonObject &status);

private:
    QTemporaryDir m_dir;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    QStringList m_logNames;
};

} // namespace e2e

// For a test function or initTestCase(): declares `var` as the path of the tool, or skips
// (fails with AFCGI_TEST_STRICT=1) when it is not installed.
#define E2E_REQUIRE_TOOL(var, name)                                                            \
    const QString var = e2e::ProcessFixture::findTool(QStringLiteral(name));                   \
    do {                                                                                       \
        if (var.isEmpty()) {                                                                   \
            if (e2e::ProcessFixture::missingToolIsFailure())                                   \
                QFAIL(name " is not installed (AFCGI_TEST_STRICT=1: missing is a failure)");   \
            QSKIP(name " is not installed");                                                   \
        }                                                                                      \
    } while (false)
