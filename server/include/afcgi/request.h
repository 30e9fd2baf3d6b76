#pragma once

#include "engine/deadlinequeue.h"
#include "paramblock.h"
#include "protocol.h"
#include "recordencoder.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>

#include <functional>

namespace afcgi {

class Connection;

// One FastCGI request, living on its connection's worker thread: handlers need no locks.
// Input streams in (inputReady / inputEnded); output streams out as CGI-style status, headers
// and body. Output is queued per request: when queuedOutputBytes() passes the high-water mark,
// canWrite() turns false and the handler should wait for writable() before producing more.
// After aborted() (the web server gave up, or the connection closed) every write is ignored.
class Request final : public QObject
{
    Q_OBJECT
public:
    Request(Connection *connection, quint64 connectionId, quint16 id, Role role, bool keepConn);
    ~Request() override;

    quint16 id() const { return m_id; }
    quint64 connectionId() const { return m_connectionId; }
    Role role() const { return m_role; }
    bool keepConnection() const { return m_keepConn; }
    qint64 ageMs() const { return m_age.elapsed(); }

    // CGI/1.1 parameters as the web server sent them.
    NameValueList params() const { return m_params.toList(); }
    QByteArray param(QByteArrayView name) const { return m_params.value(name); }
    QByteArrayView paramView(QByteArrayView name) const { return m_params.view(name); } // no copy
    QByteArray method() const { return param("REQUEST_METHOD"); }
    QByteArray requestUri() const;      // REQUEST_URI, else SCRIPT_NAME + PATH_INFO (+ ?query)
    QByteArray queryString() const;     // QUERY_STRING, else what follows '?' in REQUEST_URI
    // Percent-decoded, without the query: what routing saw. Computed on each call rather than
    // kept, so that a pending request does not carry a copy.
    QString path() const;
    QByteArray queryValue(QByteArrayView key) const; // first value of key in the query string

    // Input: STDIN (and DATA for the FILTER role), buffered until read.
    QByteArray readInput();
    qint64 inputAvailable() const { return m_input.size(); }
    qint64 inputReceived() const { return m_inputReceived; }
    bool isInputFinished() const { return m_inputFinished; }
    QByteArray readData();
    bool isDataFinished() const { return m_dataFinished; }

    // Output. Status and headers go out with the first write() or with end().
    void setStatus(int code, QByteArrayView reason = {});
    void setHeader(QByteArrayView name, QByteArrayView value);
    void write(QByteArrayView body);
    void writeStderr(QByteArrayView text);
    void end(quint32 appStatus = 0);
    // Convenience: status, Content-Type, the whole body, end().
    void respond(int status, QByteArrayView contentType, QByteArrayView body);

    int status() const { return m_status; }
    bool headersSent() const { return m_headersSent; }
    bool isEnded() const { return m_ended; }
    bool isAborted() const { return m_aborted; }
    qint64 bytesWritten() const { return m_bytesOut; }
    qint64 queuedOutputBytes() const;
    bool canWrite() const;

    // Calls `fn` once, `ms` from now, unless the request ends or is aborted first. One per
    // request (a new call replaces the previous one). Far cheaper than a QTimer per request:
    // no extra QObject and no signal connections, which matters with 100,000 pending requests.
    void callAfter(int ms, std::function<void()> fn);

Q_SIGNALS:
    void inputReady();
    void inputEnded();
    void dataReady();
    void dataEnded();
    void writable(); // output drained below the low-water mark after canWrite() was false
    void aborted();  // stop producing; the connection ends the request itself

private:
    friend class Connection;
    friend class DeadlineQueue;
    void cancelCallAfter();
    void fireCallAfter();
    void setParams(ParamBlock &&params)
    {
        m_params = std::move(params);
        m_paramsComplete = true;
    }
    void appendInput(QByteArray &&bytes);
    void appendData(QByteArray &&bytes);
    void markAborted();
    void detach() { m_connection = nullptr; }
    // The status line and headers, in a buffer with room for `extraBytes` more.
    QByteArray takeHeaderBlock(qsizetype extraBytes = 0);

    Connection *m_connection;
    quint64 m_connectionId;
    quint16 m_id;
    Role m_role;
    bool m_keepConn;
    bool m_headersSent = false;
    bool m_stderrUsed = false;
    bool m_ended = false;
    bool m_aborted = false;
    bool m_inputFinished = false;
    bool m_dataFinished = false;
    bool m_monitored = false; // its begin was reported to the monitor
    bool m_paramsComplete = false;
    bool m_waiting = false;   // over --max-requests-per-conn: its handler has not started yet
    int m_status = 200;
    QByteArray m_reason;
    QByteArray m_headers; // "Name: value\r\n" lines
    ParamBlock m_params;
    QByteArray m_input;
    QByteArray m_data;
    qint64 m_inputReceived = 0;
    qint64 m_bytesOut = 0;
    QElapsedTimer m_age;
    DeadlineQueue *m_deadlines = nullptr; // set while a callAfter() is pending
    DeadlineQueue::Handle m_deadline;
    std::function<void()> m_afterFn;
};

// Splits a path into its routing form: query removed, percent-decoded, "." and ".." segments
// resolved.
QString decodeRequestPath(QByteArrayView uriOrPath);

} // namespace afcgi
