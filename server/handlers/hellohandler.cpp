#include "handlers/hellohandler.h"

#include <afcgi/request.h>

namespace afcgi {

void HelloHandler::handle(Request *request)
{
    request->respond(200, "text/plain", "Hello world\n");
}

void NotFoundHandler::handle(Request *request)
{
    request->respond(404, "text/plain", "Not found\n");
}

} // namespace afcgi
