#pragma once
// HTTP load from wrk, the load generator people use, with every answer checked by a script of
// ours (wrk-check.lua): each status must be 2xx and each body the expected one. wrk runs
// `connections` keep-alive connections on one thread, each with one request in flight, until
// `answers` answers have come back (then it is stopped at once) or `timeoutMs` has passed.

#include <QByteArray>
#include <QMap>
#include <QString>

namespace e2e {

struct WrkLoadResult
{
    bool ran = false;         // wrk started, finished and printed its summary
    qint64 answered = 0;
    qint64 good = 0;          // 2xx with the expected body
    qint64 badStatus = 0;     // not 2xx
    qint64 wrongBody = 0;
    qint64 socketErrors = 0;  // connect, read, write and timeout errors (a request lost)
    QMap<int, qint64> statuses; // of the bad ones
    QByteArray firstProblem;
    qint64 elapsedMs = 0;
    QByteArray output;        // wrk's whole output, for a failure message

    bool allGood(qint64 answers) const
    {
        return ran && answered >= answers && good == answered && socketErrors == 0;
    }
    QByteArray summary() const;
};

// Empty when wrk is installed, else why not.
QString wrkMissing();
WrkLoadResult runWrkLoad(const QString &url, int connections, qint64 answers,
                         const QByteArray &expectedBody, int timeoutMs);

} // namespace e2e
