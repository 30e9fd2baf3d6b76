#include <afcgi/async.h>

#include "engine/handlerguard.h"

namespace afcgi::detail {

void answerException(Request *request, std::exception_ptr error, const char *where)
{
    afcgi::answerException(request, std::move(error), where);
}

} // namespace afcgi::detail
