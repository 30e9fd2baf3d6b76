#pragma once
// The bytes of one request, encoded once: BEGIN_REQUEST (KEEP_CONN), PARAMS as nginx sends
// them, the end of PARAMS, the body as STDIN records and the end of STDIN. Issuing a request is
// then one copy plus patching the request id into each record header.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <vector>

namespace afcgi::bench {

class RequestTemplate
{
public:
    // maxRequestId: the highest id the connections use (their depth).
    RequestTemplate(QByteArrayView uri, qint64 bodyBytes, int maxRequestId);

    void appendTo(QByteArray &out, quint16 requestId) const;
    qsizetype size() const { return m_bytes.size(); }

    // Large requests (a body) are encoded once per id and handed to the socket as they are:
    // QIODevice::write() shares a QByteArray of 4 KB or more instead of copying it.
    bool sharesPerId() const { return !m_perId.empty(); }
    const QByteArray &bytesFor(quint16 requestId) const { return m_perId[requestId - 1]; }
    QByteArrayView method() const { return m_body.isEmpty() ? "GET" : "POST"; }

    // What a correct response body is: "Hello world\n" for /hello, the body sent for /echo,
    // the numbered lines of /stream?count=N. Other paths are checked for status 200 only.
    bool checksBody() const { return m_checksBody; }
    const QByteArray &expectedBody() const { return m_expectedBody; }

private:
    QByteArray m_bytes;          // the whole request with request id 0
    std::vector<QByteArray> m_perId; // m_bytes with ids 1..max patched in, for large requests
    QList<qsizetype> m_idOffsets; // where each record header's request id sits in m_bytes
    QByteArray m_body;
    QByteArray m_expectedBody;
    bool m_checksBody = false;
};

// A response body of `size` bytes that is not all one value, so a reordered or shifted echo is
// caught.
QByteArray makeBody(qint64 size);

} // namespace afcgi::bench
