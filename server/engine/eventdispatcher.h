#pragma once
// Platform code: the event loop a worker thread runs.

class QAbstractEventDispatcher;

namespace afcgi {

// A new event dispatcher for a worker thread (QThread::setEventDispatcher), or null where
// Qt's own is used. On Linux: epoll, so that a turn of the loop costs the same with ten
// thousand connections as with one (Qt's dispatcher polls every socket on every turn).
QAbstractEventDispatcher *createWorkerEventDispatcher();

} // namespace afcgi
