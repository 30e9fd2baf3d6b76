#pragma once

#include "protocol.h"

#include <QByteArrayView>

namespace afcgi {

// What a Request needs from the connection that carries it, and nothing more: the request
// knows its id and this interface, never the Connection. Calls come from the worker thread.
class RequestSink
{
public:
    // Queues `content` (not empty) as STDOUT or STDERR records of request `id`.
    virtual void queueOutput(quint16 id, RecordType type, QByteArrayView content) = 0;
    // The handler ended request `id`: the end-of-stream records and END_REQUEST follow its output.
    virtual void finish(quint16 id, quint32 appStatus, bool stderrUsed) = 0;
    // Output of request `id` not yet handed to the web server.
    virtual qsizetype queuedOutputBytes(quint16 id) const = 0;
    // Whether request `id` may write more now. A "no" is remembered: writable() follows once
    // there is room again.
    virtual bool canWriteOrNotify(quint16 id) = 0;
    // Request `id` asks for its output to leave now rather than at the end of the turn.
    virtual void writeNow(quint16 id) = 0;

protected:
    ~RequestSink() = default;
};

} // namespace afcgi
