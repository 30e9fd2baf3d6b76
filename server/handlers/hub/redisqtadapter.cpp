#include "handlers/hub/redisqtadapter.h"

#include <QObject>
#include <QSocketNotifier>

#include <hiredis/async.h>

namespace afcgi {

namespace {
struct Adapter
{
    redisAsyncContext *context;
    QSocketNotifier *reader;
    QSocketNotifier *writer;
};

void addRead(void *data) { static_cast<Adapter *>(data)->reader->setEnabled(true); }
void delRead(void *data) { static_cast<Adapter *>(data)->reader->setEnabled(false); }
void addWrite(void *data) { static_cast<Adapter *>(data)->writer->setEnabled(true); }
void delWrite(void *data) { static_cast<Adapter *>(data)->writer->setEnabled(false); }
void cleanup(void *data)
{
    auto *adapter = static_cast<Adapter *>(data);
    // hiredis may call this from inside a notifier's own signal: delete them later.
    adapter->reader->setEnabled(false);
    adapter->writer->setEnabled(false);
    adapter->reader->deleteLater();
    adapter->writer->deleteLater();
    delete adapter;
}
} // namespace

bool attachRedisToQt(redisAsyncContext *context, QObject *parent)
{
    if (context->ev.data)
        return false;
    const int fd = context->c.fd;
    auto *adapter = new Adapter{context, new QSocketNotifier(fd, QSocketNotifier::Read, parent),
                                new QSocketNotifier(fd, QSocketNotifier::Write, parent)};
    adapter->reader->setEnabled(false);
    adapter->writer->setEnabled(false);
    QObject::connect(adapter->reader, &QSocketNotifier::activated, adapter->reader,
                     [context] { redisAsyncHandleRead(context); });
    QObject::connect(adapter->writer, &QSocketNotifier::activated, adapter->writer,
                     [context] { redisAsyncHandleWrite(context); });
    context->ev.data = adapter;
    context->ev.addRead = addRead;
    context->ev.delRead = delRead;
    context->ev.addWrite = addWrite;
    context->ev.delWrite = delWrite;
    context->ev.cleanup = cleanup;
    return true;
}

} // namespace afcgi
