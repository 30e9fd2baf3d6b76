#include "api/bodyreader.h"

#include <afcgi/request.h>
#include <afcgi/response.h>

#include "engine/handlerguard.h"
#include "web/headervalue.h"

namespace afcgi {

BodyReader::BodyReader(Request *request) : QObject(request), m_request(request)
{
    connect(request, &Request::inputReady, this, &BodyReader::pump);
    connect(request, &Request::inputEnded, this, &BodyReader::pump);
}

void BodyReader::start()
{
    pump();
}

void BodyReader::pump()
{
    runGuarded(m_request, "a body callback", [this] {
        while (!m_failed && !m_finished && !m_request->isEnded() && !m_request->isAborted()) {
            const QByteArray bytes = m_request->readInput();
            if (!bytes.isEmpty()) {
                consume(bytes);
                continue; // more may have come meanwhile
            }
            if (m_request->isInputFinished()) {
                m_finished = true;
                finish();
            }
            return;
        }
    });
}

void BodyReader::fail(int status, QByteArrayView reason)
{
    m_failed = true;
    respondError(m_request, status, reason);
}

bool hasContentType(const Request *request, QByteArrayView type, QByteArrayView suffix)
{
    const std::optional<HeaderValue> value = parseHeaderValue(request->paramView("CONTENT_TYPE"));
    if (!value)
        return false;
    if (value->is(type))
        return true;
    return !suffix.isEmpty() && value->value.size() > suffix.size()
        && QByteArrayView(value->value).last(suffix.size()).compare(suffix, Qt::CaseInsensitive) == 0;
}

} // namespace afcgi
