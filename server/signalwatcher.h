#pragma once
// Platform code: turns SIGTERM/SIGINT (console control events on Windows) into a Qt signal
// delivered on the main thread's event loop.

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

private:
    struct Private;
    Private *d;
};

} // namespace afcgi
