#include "delayhandler.h"

#include "request.h"

#include <QTimer>

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
    // Parented to the request: if the request is aborted and deleted, so is the timer.
    auto *timer = new QTimer(request);
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(timer, &QTimer::timeout, request, [request, ms] {
        request->respond(200, "text/plain", "delayed " + QByteArray::number(ms) + " ms\n");
    });
    QObject::connect(request, &Request::aborted, timer, &QTimer::stop);
    timer->start(int(ms));
}

} // namespace afcgi
