#pragma once

#include <exception>

namespace afcgi {

class Request;

// Logs an exception that handler code let escape, with the connection and request ids, the
// method and the URI, and `where` it came from ("the handler", "a before() hook", ...).
void logException(Request *request, std::exception_ptr error, const char *where);

// logException(), then answers 500 (dropping any headers set so far) if the response has not
// started, or ends it cut short (application status 1) if it has. Nothing when the request
// has ended or was aborted.
void answerException(Request *request, std::exception_ptr error, const char *where);

// Runs `code` (handler code called by the library for `request`); an exception from it is
// answered by answerException().
template <typename Code>
void runGuarded(Request *request, const char *where, Code &&code)
{
    try {
        code();
    } catch (...) {
        answerException(request, std::current_exception(), where);
    }
}

} // namespace afcgi
