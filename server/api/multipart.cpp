#include <afcgi/multipart.h>

#include <afcgi/request.h>
#include <afcgi/response.h>

#include "api/multipartreader.h"
#include "web/headervalue.h"

namespace afcgi {

void readMultipart(Request *request, std::function<void(Request *, const MultipartForm &)> done,
                   const MultipartOptions &options)
{
    const std::optional<HeaderValue> type = parseHeaderValue(request->paramView("CONTENT_TYPE"));
    if (!type || !type->is("multipart/form-data")) {
        respondError(request, 400, "expected Content-Type: multipart/form-data");
        return;
    }
    const QByteArray boundary = type->param("boundary");
    if (boundary.isEmpty() || boundary.size() > 70) { // RFC 2046: 1 to 70 characters
        respondError(request, 400, "multipart/form-data without a valid boundary");
        return;
    }
    auto *reader = new MultipartReader(request, boundary, std::move(done), options);
    reader->start();
}

} // namespace afcgi
