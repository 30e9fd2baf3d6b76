#include "handlers/delayhandler.h"

#include <afcgi/request.h>


namespace afcgi {

namespace {
constexpr qint64 kMaxDelayMs = 600000;
}

void DelayHandler::handle(Request *request)
{
    bool ok = false;
    const qint64 ms = request->queryValue("ms").toLongLong(&ok);
    if (!ok || ms < 0 || ms > kMaxDelayMs) {
        request->respond(400, "text/plain", "ms must be a whole number from 0 to 600000\n");
        return;
    }
    // The request's own timer: an aborted request cancels it, so nothing fires into the void.
    request->callAfter(int(ms), [request, ms] {
        request->respond(200, "text/plain", "delayed " + QByteArray::number(ms) + " ms\n");
    });
}

} // namespace afcgi
