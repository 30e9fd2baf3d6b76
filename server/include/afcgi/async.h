#pragma once
// Work that must not run on a worker thread (a computation, a blocking library), handed to a
// thread pool, its result brought back to the request's own thread.

#include <afcgi/afcgi_global.h>
#include <afcgi/request.h>

#include <QFuture>
#include <QPointer>
#include <QPromise>
#include <QThreadPool>

#include <exception>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace afcgi {

namespace detail {
/// Logs an exception that escaped handler code, with the request's connection and id, then
/// answers `500 Internal Server Error` (or cuts the response short if it had begun). Used by
/// the templates below; `where` says what threw ("asynchronous work", ...).
AFCGI_EXPORT void answerException(Request *request, std::exception_ptr error, const char *where);

/// An object of the calling thread that lives as long as the thread: the context the
/// continuations below run in. Not the request itself: a request can be deleted (its client
/// went away) before the work ends, and a continuation whose context is gone is an error to Qt.
AFCGI_EXPORT QObject *threadContext();
} // namespace detail

/// Calls `done(request, result)` on the request's thread once `future` has a result
/// (`done(request)` for a `QFuture<void>`). Nothing is called if the request has ended, was
/// aborted, or is gone by then: a client that went away costs no output. An exception stored
/// in the future, or thrown by `done`, or a future canceled without a result, is answered with
/// a 500 logged with the request's id. The returned future finishes when `done` has run or
/// been skipped.
///
///     afcgi::whenReady(request, database.query(sql), [](afcgi::Request *r, const Rows &rows) {
///         afcgi::respondJson(r, 200, toJson(rows));
///     });
template <typename T, typename Done>
QFuture<void> whenReady(Request *request, QFuture<T> future, Done done)
{
    QObject *context = detail::threadContext();
    const QPointer<Request> alive(request);
    return future
        .then(context,
              [request, alive, done = std::move(done)](QFuture<T> ready) mutable {
                  if (!alive || request->isEnded() || request->isAborted())
                      return;
                  try {
                      if constexpr (std::is_void_v<T>) {
                          ready.waitForFinished(); // rethrows the work's exception
                          done(request);
                      } else {
                          done(request, ready.result());
                      }
                  } catch (...) {
                      detail::answerException(request, std::current_exception(), "asynchronous work");
                  }
              })
        .onCanceled(context, [request, alive] {
            if (!alive || request->isEnded() || request->isAborted())
                return;
            detail::answerException(request,
                                    std::make_exception_ptr(std::runtime_error("the asynchronous work was canceled")),
                                    "asynchronous work");
        });
}

/// Runs `work()` on `pool` (QThreadPool::globalInstance() when null), then calls
/// `done(request, result)` on the request's thread, as whenReady() does. `work` runs on
/// another thread: it must not touch the request, and it runs to its end even if the request
/// is aborted meanwhile (only its result is dropped).
///
///     afcgi::runAsync(request, [text] { return expensiveSummary(text); },
///                     [](afcgi::Request *r, const QString &summary) {
///                         r->respond(200, "text/plain", summary.toUtf8());
///                     });
template <typename Work, typename Done>
QFuture<void> runAsync(Request *request, Work work, Done done, QThreadPool *pool = nullptr)
{
    using T = std::invoke_result_t<Work &>;
    auto promise = std::make_shared<QPromise<T>>();
    auto task = std::make_shared<Work>(std::move(work)); // QThreadPool copies what it runs
    QFuture<T> future = promise->future();
    promise->start();
    (pool ? pool : QThreadPool::globalInstance())->start([promise, task] {
        try {
            if constexpr (std::is_void_v<T>)
                (*task)();
            else
                promise->addResult((*task)());
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    });
    return whenReady(request, std::move(future), std::move(done));
}

} // namespace afcgi
