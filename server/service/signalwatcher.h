#pragma once
// Platform code: turns SIGTERM/SIGINT (console control events on Windows) and SIGHUP into Qt
// signals delivered on the main thread's event loop.

#include <QObject>

namespace afcgi {

class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested();
    void reloadRequested(); // SIGHUP: reopen the log, reload the limits (Unix only)

private:
    struct Private;
    Private *d;
};

} // namespace afcgi
