#pragma once

#include "engine/workercounters.h"
#include "engine/workersample.h"
#include "monitor/ticksampler.h"
#include "monitorprotocol.h"
#include "peercredentials.h"

#include <QHash>
#include <QSet>
#include <QObject>
#include <QTimer>

class QLocalServer;
class QLocalSocket;

namespace afcgi {

class AdminCommands;
class Hub;

class Engine;
class LogCollector;
struct MonitorEvent;

// The monitor hub: serves the monitor channel on a QLocalServer (this user and root only: the
// socket's mode keeps others out, the peer's credentials are checked on accept), samples the
// workers' counters, event rings and latency histograms on a timer, and sends one `tick` (and
// one `log` batch) per interval to every attached monitor. Its cost follows the tick rate,
// not the request rate; with no monitor attached the workers record no events at all.
class MonitorPublisher final : public QObject
{
    Q_OBJECT
public:
    // Began and ended requests a tick lists, each (256 a second at four ticks): a sample, more
    // than a person can read. The rest are only counted (began_dropped, ended_dropped), so that
    // the tick's cost stays flat at any request rate: at 250 each, encoding them took 1-1.5 %
    // of the service's core at 600k requests/s on one thread, with the monitor's parsing beside.
    static constexpr int kMaxRequestEventsPerTick = 64;

    MonitorPublisher(Engine *engine, LogCollector *logs, QObject *parent = nullptr);
    ~MonitorPublisher() override;

    // `name`: a plain name or an absolute socket path. Never takes over a live socket.
    bool listen(const QString &name, QString *error);
    QString fullServerName() const;
    int clientCount() const { return int(m_clients.size()); }
    void setTickInterval(int ms);
    // The hub whose busiest channels each tick lists (the monitor's Channels view); none: no list.
    void setHub(const Hub *hub) { m_hub = hub; }
    // The admin commands this channel takes; none: only set-log-level and snapshot.
    void setAdmin(AdminCommands *admin) { m_admin = admin; }
    // What is mounted and by whom, for hello (fixed once the server runs).
    void setRoutes(QList<monitor::Route> routes) { m_routes = std::move(routes); }

private:
    struct Client
    {
        monitor::LineSplitter splitter = monitor::LineSplitter(64 * 1024); // commands are short
        quint64 token = 0;        // names its latest snapshot's markers
        bool ready = false;       // that snapshot went out: ticks may follow
        bool established = false; // every worker's marker was seen: it gets the shared tick
        QSet<int> markedWorkers;
        monitor::Tick own;        // events after its markers, until it is established
        monitor::PeerCredentials peer; // who it is, as the kernel told at connect
    };

    void onNewConnection();
    void onClientReadyRead(QLocalSocket *socket);
    void onClientGone(QLocalSocket *socket);
    void handleCommand(QLocalSocket *socket, const QByteArray &line);
    void sendSnapshot(QLocalSocket *socket);
    void send(QLocalSocket *socket, const monitor::Message &message);
    void onTick();
    void sendTick();
    void addChannels(monitor::Tick &tick) const;
    void drainEvents(monitor::Tick &shared);
    static void collectEvent(monitor::Tick &tick, const MonitorEvent &event);
    void dropIfSlow(QLocalSocket *socket);
    monitor::Hello hello() const;

    Engine *m_engine;
    LogCollector *m_logs;
    QLocalServer *m_server;
    QHash<QLocalSocket *, Client> m_clients;
    const Hub *m_hub = nullptr;
    AdminCommands *m_admin = nullptr;
    QList<monitor::Route> m_routes;
    QTimer m_tickTimer;
    QTimer m_sampleDeadline;
    TickSampler m_sampler;
    WorkerSample m_sample;     // the workers' latest answer
    quint64 m_sampleRound = 0;
    bool m_sampling = false;   // a tick waits for the workers' answers
    quint64 m_nextToken = 1;
    QHash<quint64, qint64> m_queuedByConnection; // only connections with output queued now
};

} // namespace afcgi
