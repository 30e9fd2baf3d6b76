#pragma once

#include <QByteArrayView>
#include <QObject>

namespace afcgi {

class Request;

// The base of the body readers behind readForm(), readJson() and readMultipart(): a QObject
// parented to the request (it goes when the request goes) that hands each piece of the body
// to consume() as it arrives, and calls finish() at the end of the input. Either may refuse the
// body with fail(), which answers at once and stops reading. Exceptions from either (handler
// code runs in finish()) are answered with a 500. Nothing happens after the request ended or
// was aborted.
class BodyReader : public QObject
{
public:
    explicit BodyReader(Request *request);

    // Reads what has arrived already (input may come before the handler runs). Call once.
    void start();

protected:
    virtual void consume(QByteArrayView bytes) = 0;
    virtual void finish() = 0;

    // Answers `status` with `reason` and stops reading.
    void fail(int status, QByteArrayView reason);
    bool failed() const { return m_failed; }
    Request *request() const { return m_request; }

private:
    void pump();

    Request *m_request;
    bool m_failed = false;
    bool m_finished = false;
};

// The media type of the request's CONTENT_TYPE is `type` (ASCII case ignored, parameters
// ignored). With `suffix`, a type ending in it ("application/problem+json") counts too.
bool hasContentType(const Request *request, QByteArrayView type, QByteArrayView suffix = {});

} // namespace afcgi
