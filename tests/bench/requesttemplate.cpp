#include "requesttemplate.h"

#include "fcgiclient.h"
#include "recordencoder.h"

#include <cstring>
#include <optional>

namespace afcgi::bench {

namespace {
constexpr QByteArrayView kHelloBody = "Hello world\n";
constexpr qsizetype kShareFrom = 4096;               // QIODevice::write() shares from one ring-buffer chunk
constexpr qint64 kMaxPerIdBytes = qint64(256) << 20; // above this, patch a copy per request instead
constexpr qint64 kStreamDefaultLines = 10;
constexpr qint64 kStreamMaxLines = 10000000;

QByteArrayView pathOf(QByteArrayView uri)
{
    const qsizetype q = uri.indexOf('?');
    return q < 0 ? uri : uri.first(q);
}

// The value of `name` in the URI's query, or std::nullopt when it is absent.
std::optional<QByteArrayView> queryValue(QByteArrayView uri, QByteArrayView name)
{
    const qsizetype q = uri.indexOf('?');
    if (q < 0)
        return std::nullopt;
    QByteArrayView rest = uri.sliced(q + 1);
    while (!rest.isEmpty()) {
        const qsizetype amp = rest.indexOf('&');
        const QByteArrayView item = amp < 0 ? rest : rest.first(amp);
        rest = amp < 0 ? QByteArrayView() : rest.sliced(amp + 1);
        const qsizetype eq = item.indexOf('=');
        if ((eq < 0 ? item : item.first(eq)) == name)
            return eq < 0 ? QByteArrayView() : item.sliced(eq + 1);
    }
    return std::nullopt;
}

// afcgid's /stream?count=N (no sse): "line 1\n" ... "line N\n"; std::nullopt for other forms.
std::optional<QByteArray> streamBody(QByteArrayView uri)
{
    if (queryValue(uri, "sse"))
        return std::nullopt;
    qint64 lines = kStreamDefaultLines;
    if (const auto count = queryValue(uri, "count")) {
        bool ok = false;
        lines = count->toByteArray().toLongLong(&ok);
        if (!ok || lines < 0 || lines > kStreamMaxLines)
            return std::nullopt;
    }
    QByteArray body;
    for (qint64 i = 1; i <= lines; ++i)
        body += "line " + QByteArray::number(i) + '\n';
    return body;
}
} // namespace

QByteArray makeBody(qint64 size)
{
    QByteArray body(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i)
        body[i] = char('a' + (i * 7 + i / 251) % 26);
    return body;
}

RequestTemplate::RequestTemplate(QByteArrayView uri, qint64 bodyBytes, int maxRequestId)
    : m_body(makeBody(bodyBytes))
{
    const QByteArrayView path = pathOf(uri);
    if (path == "/hello") {
        m_checksBody = true;
        m_expectedBody = kHelloBody.toByteArray();
    } else if (path == "/echo") {
        m_checksBody = true;
        m_expectedBody = m_body;
    } else if (path == "/stream") {
        if (auto body = streamBody(uri)) {
            m_checksBody = true;
            m_expectedBody = std::move(*body);
        }
    }

    const NameValueList params = FcgiClient::requestParams(
        method(), uri, m_body.isEmpty() ? -1 : m_body.size(),
        m_body.isEmpty() ? QByteArrayView() : QByteArrayView("application/octet-stream"));
    m_bytes = encodeBeginRequest(0, Role::Responder, /*keepConn=*/true);
    appendRecord(m_bytes, RecordType::Params, 0, encodeNameValues(params));
    appendRecord(m_bytes, RecordType::Params, 0, {});
    if (!m_body.isEmpty())
        appendRecord(m_bytes, RecordType::Stdin, 0, m_body);
    appendRecord(m_bytes, RecordType::Stdin, 0, {});

    // Walk the records once to find every request id field (bytes 2-3 of each header).
    for (qsizetype at = 0; at + kHeaderLength <= m_bytes.size();) {
        const auto *h = reinterpret_cast<const uchar *>(m_bytes.constData() + at);
        m_idOffsets.append(at + 2);
        at += kHeaderLength + ((h[4] << 8) | h[5]) + h[6];
    }
    if (m_bytes.size() >= kShareFrom && m_bytes.size() * qint64(maxRequestId) <= kMaxPerIdBytes) {
        m_perId.resize(size_t(maxRequestId));
        for (int id = 1; id <= maxRequestId; ++id)
            appendTo(m_perId[size_t(id - 1)], quint16(id));
    }
}

void RequestTemplate::appendTo(QByteArray &out, quint16 requestId) const
{
    const qsizetype start = out.size();
    out.append(m_bytes);
    char *p = out.data() + start;
    for (const qsizetype offset : m_idOffsets) {
        p[offset] = char(requestId >> 8);
        p[offset + 1] = char(requestId & 0xff);
    }
}

} // namespace afcgi::bench
