#pragma once

#include <QtGlobal>

struct redisAsyncContext;

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace afcgi {

// Drives a hiredis asynchronous context from the calling thread's Qt event loop, as hiredis's
// own adapters do for libevent or libuv: a QSocketNotifier for reading and one for writing on
// its descriptor, enabled when hiredis asks. Returns false when the context already has an
// adapter. The adapter goes away with the context (hiredis calls its cleanup).
bool attachRedisToQt(redisAsyncContext *context, QObject *parent);

} // namespace afcgi
