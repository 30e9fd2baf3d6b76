#pragma once

#include <QCoreApplication>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace afcgi {

// Runs `collect(worker)` on each worker's own thread and, once every worker has answered,
// `done(results)` on `context`'s thread, unless `context` is gone by then. A worker never touches
// `context`: it may be deleted on its own thread (a monitor that disconnects, an aborted /status
// request) while the workers are still answering. So the answers go to a relay object on
// `context`'s thread, which lives as long as any answer is on its way, and which hears of
// `context`'s end there, on that thread.
template<typename Worker, typename Result>
void gatherFromWorkers(const QList<Worker *> &workers, QObject *context,
                       std::function<Result(Worker *)> collect,
                       std::function<void(QList<Result> &&)> done)
{
    struct Relay : QObject
    {
        bool contextGone = false;
    };
    struct DeleteLater
    {
        void operator()(Relay *relay) const
        {
            // deleteLater() works from any thread, but not while the application object is
            // being destroyed: it then discards the answers still queued (and with the last one
            // this Gather) under the very lock that posting takes. Only the main thread is left
            // by then, so a plain delete is safe.
            if (QCoreApplication::closingDown())
                delete relay;
            else
                relay->deleteLater();
        }
    };
    struct Gather
    {
        QList<Result> results;
        qsizetype pending = 0;
        std::function<void(QList<Result> &&)> done;
        std::unique_ptr<Relay, DeleteLater> relay;
    };
    auto gather = std::make_shared<Gather>();
    gather->pending = workers.size();
    gather->done = std::move(done);
    gather->relay.reset(new Relay);
    Relay *relay = gather->relay.get();
    relay->moveToThread(context->thread());
    QObject::connect(context, &QObject::destroyed, relay, [relay] { relay->contextGone = true; });
    for (Worker *worker : workers) {
        QMetaObject::invokeMethod(worker, [worker, gather, collect] {
            Result result = collect(worker);
            QMetaObject::invokeMethod(gather->relay.get(), [gather, result = std::move(result)]() mutable {
                gather->results.append(std::move(result));
                if (--gather->pending == 0 && !gather->relay->contextGone)
                    gather->done(std::move(gather->results));
            }, Qt::QueuedConnection);
        }, Qt::QueuedConnection);
    }
}

} // namespace afcgi
