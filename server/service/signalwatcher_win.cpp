#include "service/signalwatcher.h"

#include <QMetaObject>
#include <QPointer>

#include <windows.h>

namespace afcgi {

namespace {
QPointer<SignalWatcher> g_watcher;

BOOL WINAPI onConsoleEvent(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT
        && type != CTRL_SHUTDOWN_EVENT)
        return FALSE;
    if (g_watcher)
        QMetaObject::invokeMethod(g_watcher, &SignalWatcher::terminationRequested,
                                  Qt::QueuedConnection);
    return TRUE;
}
} // namespace

struct SignalWatcher::Private
{
};

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent), d(new Private)
{
    g_watcher = this;
    SetConsoleCtrlHandler(onConsoleEvent, TRUE);
}

SignalWatcher::~SignalWatcher()
{
    SetConsoleCtrlHandler(onConsoleEvent, FALSE);
    delete d;
}

} // namespace afcgi
