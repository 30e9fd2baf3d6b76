#include <afcgi/async.h>

#include "engine/handlerguard.h"

#include <memory>

namespace afcgi::detail {

void answerException(Request *request, std::exception_ptr error, const char *where)
{
    afcgi::answerException(request, std::move(error), where);
}

QObject *threadContext()
{
    // Made on first use by the thread, deleted on that thread when it ends.
    thread_local std::unique_ptr<QObject> context;
    if (!context)
        context = std::make_unique<QObject>();
    return context.get();
}

} // namespace afcgi::detail
