#pragma once

#include <afcgi/afcgi_global.h>
#include <afcgi/fastcgi.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QObject>
#include <QString>
#include <QStringView>

#include <functional>
#include <memory>

namespace afcgi {

class RequestPrivate;

/// One FastCGI request, living on its connection's worker thread: handlers need no locks.
///
/// Input streams in (inputReady(), inputEnded()); output streams out as CGI-style status,
/// headers and body. Output is queued per request: when queuedOutputBytes() passes the
/// high-water mark, canWrite() turns false and the handler should wait for writable() before
/// producing more. After aborted() (the web server gave up, or the connection closed) every
/// write is ignored. The server creates and deletes requests; a handler only borrows one until
/// it ends, and objects parented to it die with it.
class AFCGI_EXPORT Request final : public QObject
{
    Q_OBJECT
public:
    ~Request() override;

    /// @name Identity
    ///@{
    quint16 id() const;           ///< FastCGI request id, unique among its connection's requests
    quint64 connectionId() const; ///< the web-server connection it came on (as /status shows it)
    Role role() const;            ///< the role the web server asked for (usually Role::Responder)
    bool keepConnection() const;  ///< FCGI_KEEP_CONN: the web server keeps the connection open
    qint64 ageMs() const;         ///< milliseconds since BEGIN_REQUEST
    ///@}

    /// @name CGI/1.1 parameters, as the web server sent them
    ///@{
    NameValueList params() const;                        ///< all of them, in order
    QByteArray param(QByteArrayView name) const;         ///< one; empty when absent
    QByteArrayView paramView(QByteArrayView name) const; ///< no copy; valid while the request lives
    QByteArray method() const;                           ///< REQUEST_METHOD
    QByteArray requestUri() const; ///< REQUEST_URI, else SCRIPT_NAME + PATH_INFO (+ ?query)
    QByteArray queryString() const; ///< QUERY_STRING, else what follows '?' in REQUEST_URI
    /// Frees the parameters once the handler has read what it needs, for a request that will
    /// wait long (a subscriber, a long poll: a few hundred bytes each, times 100,000). Only
    /// REQUEST_METHOD and REQUEST_URI stay (status pages show them); param() of any other name
    /// is empty afterwards and views from paramView() are invalid. path() stays as it was.
    void releaseParams();
    /// Percent-decoded, without the query, "." and ".." segments resolved: what routing saw.
    QString path() const;
    /// The first value of `key` in the query string, decoded; see also readQuery().
    QByteArray queryValue(QByteArrayView key) const;
    /// The value of the matched route's parameter `name` ("/notes/{id}": pathParam(u"id")),
    /// decoded as path() is; empty when the route has no such parameter.
    QString pathParam(QStringView name) const;
    ///@}

    /// @name Input: STDIN (and DATA for the FILTER role), buffered until read
    ///@{
    QByteArray readInput();        ///< takes what has arrived so far
    qint64 inputAvailable() const; ///< bytes readInput() would return now
    qint64 inputReceived() const;  ///< bytes of STDIN received in all
    bool isInputFinished() const;  ///< the empty STDIN record arrived (inputEnded() was emitted)
    QByteArray readData();         ///< the FILTER role's DATA stream, as readInput()
    bool isDataFinished() const;   ///< the DATA stream has ended (dataEnded() was emitted)
    ///@}

    /// @name Output: status and headers go out with the first write() or with end()
    ///@{
    void setStatus(int code, QByteArrayView reason = {}); ///< 200 unless set; reason: the usual
    void setHeader(QByteArrayView name, QByteArrayView value); ///< appended, in order
    /// The body, as STDOUT. For a HEAD request answered by a GET route it is dropped: the
    /// status and headers go out, no body.
    void write(QByteArrayView body);
    void writeStderr(QByteArrayView text); ///< STDERR: the web server's error log
    void end(quint32 appStatus = 0); ///< END_REQUEST with this application status; only once
    /// Convenience: status, Content-Type, Content-Length, the whole body, end().
    void respond(int status, QByteArrayView contentType, QByteArrayView body);

    int status() const;               ///< the status set (or 200)
    bool headersSent() const;         ///< the status and headers have gone out
    bool isEnded() const;             ///< end() was called, or the server ended it
    bool isAborted() const;           ///< aborted() was emitted
    qint64 bytesWritten() const;      ///< body bytes written so far
    qint64 queuedOutputBytes() const; ///< written but not yet handed to the web server
    bool canWrite() const;            ///< false: wait for writable() before writing more
    /// Hands what was written so far to the web server now, not at the end of this turn of the
    /// event loop, when this request is alone on its connection (the output of requests that
    /// share a connection leaves in one write per turn). For a handler that writes to many
    /// requests in one go, as a publish to its subscribers: each one's bytes leave while it
    /// goes on with the next. Without it, a request's writes of one turn leave in one write.
    void flush();
    ///@}

    /// A short note on what the request is doing, for whoever watches the server:
    /// /status?full=1 shows it beside the request (the CGI bridge: "cgi pid 4242
    /// git-http-backend"). Set it again when it changes; an empty note clears it.
    void setNote(const QString &note);
    QString note() const; ///< the note set last, empty when none

    /// Calls `fn` once, `ms` from now, unless the request ends or is aborted first. One per
    /// request (a new call replaces the previous one). Far cheaper than a QTimer per request:
    /// no extra QObject and no signal connections, which matters with 100,000 pending requests.
    void callAfter(int ms, std::function<void()> fn);

    /// State a handler keeps for as long as the request lives, destroyed with the request (after
    /// its end, an abort or a closed connection). Cheaper than a QObject child of the request
    /// (no QObject, no entry in a children list), which matters for state that 100,000 waiting
    /// requests each hold: the publish/subscribe hub keeps each subscriber this way.
    class AFCGI_EXPORT Attachment
    {
    public:
        virtual ~Attachment();
    };
    /// Gives `attachment` to the request; a previous one is destroyed first.
    void setAttachment(std::unique_ptr<Attachment> attachment);

Q_SIGNALS:
    void inputReady(); ///< more STDIN for readInput()
    void inputEnded(); ///< the whole body has arrived
    void dataReady();  ///< more DATA for readData() (FILTER role)
    void dataEnded();  ///< the whole DATA stream has arrived (FILTER role)
    void writable();   ///< output drained below the low-water mark after canWrite() was false
    void aborted();    ///< stop producing; the connection ends the request itself

private:
    friend class RequestPrivate;
    Request(std::unique_ptr<RequestPrivate> d, QObject *parent);
    Q_DISABLE_COPY_MOVE(Request)
    const std::unique_ptr<RequestPrivate> d;
};

} // namespace afcgi
