#pragma once

#include <QFile>
#include <QObject>

class QLocalSocket;

namespace afcgi {

// afcgid --monitor-relay [NAME]: the monitor channel carried over stdin/stdout, for a monitor on
// another host that runs `ssh user@host afcgid --monitor-relay` (afcgi-monitor --via). It
// connects to the local channel as a monitor would (the channel directory and the service's user
// checked the same way), then copies bytes both ways until either side closes. No port is opened.
class MonitorRelay final : public QObject
{
    Q_OBJECT
public:
    explicit MonitorRelay(QObject *parent = nullptr);
    ~MonitorRelay() override;

    // Connects to the channel `name` (empty: the default); false with why when it cannot.
    bool start(const QString &name, QString *error);

Q_SIGNALS:
    void finished(); // either side closed

private:
    void onSocketReadyRead();
    void onStdin(const QByteArray &bytes); // empty: end of input

    QLocalSocket *m_socket;
    QFile m_stdout;
};

// Platform part: a blocking read of stdin (a pipe or a terminal); 0 at the end, -1 on error.
qint64 readStdin(char *buffer, qint64 size);

} // namespace afcgi
