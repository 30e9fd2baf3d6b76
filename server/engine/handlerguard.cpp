#include "engine/handlerguard.h"

#include <afcgi/request.h>

#include "config/logging.h"
#include "engine/requestprivate.h"

#include <exception>

namespace afcgi {

namespace {
QString describe(std::exception_ptr error)
{
    try {
        std::rethrow_exception(error);
    } catch (const std::exception &e) {
        return QString::fromLocal8Bit(e.what());
    } catch (...) {
        return QStringLiteral("an exception not derived from std::exception");
    }
}
} // namespace

void logException(Request *request, std::exception_ptr error, const char *where)
{
    qCWarning(lcRequest).noquote() << "conn" << request->connectionId() << "request" << request->id()
                                   << request->method() << request->requestUri() << "threw in" << where
                                   << ":" << describe(error);
}

void answerException(Request *request, std::exception_ptr error, const char *where)
{
    logException(request, error, where);
    if (request->isEnded() || request->isAborted())
        return;
    if (request->headersSent()) {
        request->end(1); // the web server sees a response cut short
        return;
    }
    RequestPrivate::get(request)->m_headers.clear(); // whatever the handler had set
    request->respond(500, "text/plain", "Internal server error\n");
}

} // namespace afcgi
