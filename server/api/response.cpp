#include <afcgi/response.h>

#include <afcgi/request.h>

namespace afcgi {

void respondError(Request *request, int status, QByteArrayView reason)
{
    if (request->isEnded() || request->isAborted() || request->headersSent())
        return;
    QByteArray body;
    body.reserve(reason.size() + 1);
    body.append(reason.data(), reason.size());
    body.append('\n');
    request->respond(status, "text/plain; charset=utf-8", body);
}

void redirect(Request *request, QByteArrayView location, int status)
{
    request->setHeader("Location", location);
    request->respond(status, "text/plain; charset=utf-8", "Redirecting\n");
}

} // namespace afcgi
