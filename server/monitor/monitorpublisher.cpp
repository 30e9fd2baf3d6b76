#include "monitor/monitorpublisher.h"

#include <afcgi/hub.h>

#include "config/logging.h"
#include "engine/engine.h"
#include "monitor/admincommands.h"
#include "monitor/logcollector.h"

#include "peercredentials.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>

namespace afcgi {

namespace {
constexpr int kDefaultTickMs = 250;          // four ticks a second
constexpr int kMaxConnectionEventsPerTick = 1000;
constexpr qint64 kMaxClientQueueBytes = 8 * 1024 * 1024; // a monitor that stops reading is dropped
constexpr int kMaxChannelsPerTick = 100;

monitor::RequestInfo requestInfo(const ActiveRequestInfo &r, qint64 nowMs)
{
    monitor::RequestInfo info;
    info.connectionId = r.connectionId;
    info.requestId = r.requestId;
    info.role = QString::fromLatin1(toString(r.role));
    info.method = QString::fromLatin1(r.method);
    info.uri = QString::fromUtf8(r.uri);
    info.startMs = nowMs - r.ageMs;
    info.status = r.status;
    info.durationMs = r.ageMs;
    info.bytesIn = r.bytesIn;
    info.bytesOut = r.bytesOut;
    info.aborted = r.aborted;
    info.note = r.note;
    return info;
}

// Whether a process answers at `name`; if so, `who` says which one (uid and pid where told).
bool someoneServes(const QString &name, QString *who)
{
    QLocalSocket probe;
    probe.connectToServer(name);
    const bool alive = probe.waitForConnected(500);
    if (alive)
        *who = monitor::peerCredentials(probe, monitor::PeerRole::Server).describe();
    probe.abort();
    return alive;
}

QString servedByAnother(const QString &name, const QString &who)
{
    return QStringLiteral("another process (%1) serves the monitor socket '%2': stop it, or name "
                          "another channel with --monitor").arg(who, name);
}
} // namespace

MonitorPublisher::MonitorPublisher(Engine *engine, LogCollector *logs, QObject *parent)
    : QObject(parent), m_engine(engine), m_logs(logs), m_server(new QLocalServer(this)),
      m_sampler(engine, logs)
{
    m_server->setSocketOptions(QLocalServer::UserAccessOption); // only our own user may watch
    connect(m_server, &QLocalServer::newConnection, this, &MonitorPublisher::onNewConnection);
    m_tickTimer.setInterval(kDefaultTickMs);
    connect(&m_tickTimer, &QTimer::timeout, this, &MonitorPublisher::onTick);
    m_sampleDeadline.setSingleShot(true);
    connect(&m_sampleDeadline, &QTimer::timeout, this, [this] {
        if (m_sampling)
            sendTick();
    });
}

MonitorPublisher::~MonitorPublisher()
{
    if (m_clients.isEmpty())
        return; // it never switched the workers' recording on, or already switched it off
    m_engine->setMonitored(false);
    if (m_logs)
        m_logs->setEnabled(false);
}

void MonitorPublisher::setTickInterval(int ms)
{
    m_tickTimer.setInterval(ms);
}

bool MonitorPublisher::listen(const QString &name, QString *error)
{
    // Look before listening. On Unix, with access options set, Qt binds elsewhere and renames
    // over the path, which would silently replace a live socket; on Windows a second server
    // on a pipe name shares it with the first.
    QString who;
    if (someoneServes(name, &who)) {
        *error = servedByAnother(name, who);
        return false;
    }
    QLocalServer::removeServer(name); // a stale socket file (Unix); nothing on Windows
    if (!m_server->listen(name)) {
        if (m_server->serverError() != QAbstractSocket::AddressInUseError) {
            *error = m_server->errorString();
            return false;
        }
        // Clear a stale socket file only once a connect attempt shows nobody answers there.
        if (someoneServes(name, &who)) {
            *error = servedByAnother(name, who);
            return false;
        }
        QLocalServer::removeServer(name);
        if (!m_server->listen(name)) {
            *error = m_server->errorString();
            return false;
        }
    }
    m_sampler.restart();
    m_tickTimer.start();
    qCInfo(lcEngine).noquote() << "monitor channel on" << fullServerName();
    return true;
}

QString MonitorPublisher::fullServerName() const
{
    return m_server->fullServerName();
}

monitor::Hello MonitorPublisher::hello() const
{
    const ServerConfig config = m_engine->config();
    monitor::Hello hello;
    hello.serverVersion = QStringLiteral(AFCGI_VERSION);
    hello.pid = QCoreApplication::applicationPid();
    hello.startTimeMs = m_engine->startTime().toMSecsSinceEpoch();
    hello.listeners = m_engine->listenerNames();
    hello.threads = m_engine->workerCount();
    if (m_admin)
        hello.admin = m_admin->isEnabled();
    hello.tickIntervalMs = m_tickTimer.interval();
    hello.logLevel = logLevel();
    hello.limits = {
        {QStringLiteral("max-conns"), config.maxConns},
        {QStringLiteral("max-requests-per-conn"), config.maxRequestsPerConn},
        {QStringLiteral("request-queue"), config.requestQueue},
        {QStringLiteral("max-params-bytes"), config.maxParamsBytes},
        {QStringLiteral("max-body-bytes"), config.maxBodyBytes},
        {QStringLiteral("idle-timeout"), config.idleTimeoutMs},
        {QStringLiteral("shutdown-grace"), config.shutdownGraceMs},
    };
    hello.routes = m_routes;
    return hello;
}

void MonitorPublisher::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        // The socket's mode keeps others out; the kernel's word on who connected is the check.
        const monitor::PeerCredentials peer = monitor::peerCredentials(*socket, monitor::PeerRole::Client);
        if (!peer.known || !(peer.sameUser || peer.superUser)) {
            qCWarning(lcEngine).noquote()
                << "monitor connection refused:" << peer.describe() << "is neither this service's user ("
                << monitor::currentUserDescription() << ") nor root";
            socket->write(monitor::encode(monitor::Error{
                QStringLiteral("refused: this service serves only its own user and root")}));
            socket->disconnectFromServer();
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        Client client;
        client.peer = peer;
        m_clients.insert(socket, client);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { onClientReadyRead(socket); });
        connect(socket, &QLocalSocket::disconnected, this, [this, socket] { onClientGone(socket); });
        // Record events from now on, so nothing between the snapshot and the next tick is lost.
        m_engine->setMonitored(true);
        if (m_logs)
            m_logs->setEnabled(true);
        send(socket, hello());
        sendSnapshot(socket);
        qCInfo(lcEngine).noquote() << QStringLiteral("monitor attached (%1); %2 attached now")
                                          .arg(peer.describe()).arg(m_clients.size());
    }
}

void MonitorPublisher::onClientGone(QLocalSocket *socket)
{
    if (!m_clients.remove(socket))
        return;
    socket->deleteLater();
    if (m_clients.isEmpty()) {
        m_queuedByConnection.clear(); // no events arrive any more to keep it true
        m_engine->setMonitored(false);
        if (m_logs)
            m_logs->setEnabled(false);
    }
}

void MonitorPublisher::onClientReadyRead(QLocalSocket *socket)
{
    auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    it->splitter.feed(socket->readAll());
    while (auto line = it->splitter.next()) {
        handleCommand(socket, *line);
        it = m_clients.find(socket);
        if (it == m_clients.end())
            return;
    }
    if (it->splitter.hasError()) {
        qCWarning(lcEngine) << "monitor client sent an overlong line: dropping it";
        socket->abort();
        onClientGone(socket);
    }
}

void MonitorPublisher::handleCommand(QLocalSocket *socket, const QByteArray &line)
{
    if (line.trimmed().isEmpty())
        return;
    QString why;
    const auto command = monitor::decodeCommand(line, &why);
    if (!command) {
        send(socket, monitor::Error{QStringLiteral("bad command: %1").arg(why)});
        return;
    }
    if (command->cmd == QLatin1String("set-log-level")) {
        if (m_admin && !m_admin->isEnabled()) {
            qCWarning(lcEngine).noquote() << "admin: set-log-level" << command->level << "by"
                                          << m_clients.constFind(socket)->peer.describe()
                                          << "- refused: read-only channel";
            send(socket, monitor::Error(QStringLiteral("refused: the monitor channel is read-only "
                                                       "(--monitor-admin off)"), command->cmd));
            return;
        }
        if (!setLogLevel(command->level)) {
            send(socket, monitor::Error{QStringLiteral("unknown log level '%1'").arg(command->level)});
            return;
        }
        qCInfo(lcEngine).noquote() << "log level set to" << command->level << "by a monitor";
        send(socket, monitor::Ack{command->cmd});
    } else if (command->cmd == QLatin1String("snapshot")) {
        sendSnapshot(socket);
    } else if (m_admin && AdminCommands::isAdminCommand(command->cmd)) {
        const QPointer<QLocalSocket> guard(socket);
        m_admin->run(*command, m_clients.constFind(socket)->peer, [this, guard](const monitor::Message &answer) {
            if (!guard || !m_clients.contains(guard))
                return; // it went away meanwhile; the action was logged all the same
            send(guard, answer);
            if (guard)
                guard->flush(); // before a stop ends the process
        });
    } else {
        send(socket, monitor::Error{QStringLiteral("unknown command '%1'").arg(command->cmd)});
    }
}

void MonitorPublisher::sendSnapshot(QLocalSocket *socket)
{
    Client &client = m_clients[socket];
    client.token = m_nextToken++;
    client.ready = false;
    client.established = false;
    client.markedWorkers.clear();
    client.own = {};
    const quint64 token = client.token;
    m_engine->collectSnapshot(socket, [this, socket, token](const QList<ActiveRequestInfo> &requests,
                                                            const QList<ConnectionSnapshot> &connections) {
        const auto it = m_clients.constFind(socket);
        if (it == m_clients.constEnd() || it->token != token)
            return; // gone, or a newer snapshot was asked for
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        monitor::Snapshot snapshot;
        for (const ActiveRequestInfo &r : requests)
            snapshot.requests.append(requestInfo(r, now));
        for (const ConnectionSnapshot &c : connections) {
            snapshot.connections.append({c.connectionId, c.peer, c.listener, c.openedMs, c.queuedBytes});
            if (c.queuedBytes > 0)
                m_queuedByConnection.insert(c.connectionId, c.queuedBytes);
        }
        m_clients[socket].ready = true;
        send(socket, snapshot);
    }, token);
}

void MonitorPublisher::send(QLocalSocket *socket, const monitor::Message &message)
{
    socket->write(monitor::encode(message));
    dropIfSlow(socket);
}

void MonitorPublisher::dropIfSlow(QLocalSocket *socket)
{
    if (socket->bytesToWrite() <= kMaxClientQueueBytes)
        return;
    qCWarning(lcEngine) << "monitor client does not read (" << socket->bytesToWrite()
                        << "bytes queued): dropping it";
    socket->abort();
    onClientGone(socket);
}

void MonitorPublisher::onTick()
{
    if (m_clients.isEmpty()) {
        // Keep the baselines current so the first tick after attaching shows true rates.
        m_sampler.restart();
        return;
    }
    // The workers count their gauges on their own threads; the tick goes out when all have
    // answered, or at the deadline with the previous sample if one is slow (a handler that
    // blocks its thread must not silence the monitor).
    const quint64 round = ++m_sampleRound;
    m_sampling = true;
    m_sampleDeadline.start(qMax(10, m_tickTimer.interval() / 2));
    m_engine->sampleWorkers(this, [this, round](WorkerSample &&sample) {
        if (round != m_sampleRound)
            return; // a newer round has begun
        m_sample = std::move(sample);
        if (m_sampling)
            sendTick();
    });
}

void MonitorPublisher::sendTick()
{
    m_sampling = false;
    m_sampleDeadline.stop();
    if (m_clients.isEmpty())
        return;
    QSet<QLocalSocket *> established;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        if (it->established)
            established.insert(it.key());
    }
    monitor::Tick shared = m_sampler.sample(m_sample);
    addChannels(shared);
    drainEvents(shared);
    const QByteArray sharedLine = monitor::encode(shared);
    const monitor::LogBatch logs = m_logs ? m_logs->takeBatch() : monitor::LogBatch{};
    const QByteArray logLine = logs.entries.isEmpty() && logs.dropped == 0
                                   ? QByteArray()
                                   : monitor::encode(logs);
    const int workers = m_engine->workerCount();
    const QList<QLocalSocket *> sockets = m_clients.keys();
    for (QLocalSocket *socket : sockets) {
        auto it = m_clients.find(socket);
        if (it == m_clients.end())
            continue;
        if (established.contains(socket)) {
            socket->write(sharedLine);
        } else if (it->ready && it->markedWorkers.size() >= workers) {
            // Its first tick: the shared numbers with only the events after its snapshot.
            monitor::Tick first = shared;
            first.began = it->own.began;
            first.ended = it->own.ended;
            first.beganDropped = it->own.beganDropped;
            first.endedDropped = it->own.endedDropped;
            first.connectionsOpened = it->own.connectionsOpened;
            first.connectionsClosed = it->own.connectionsClosed;
            first.connectionsDropped = it->own.connectionsDropped;
            first.queued = shared.queued;
            it->own = {};
            it->established = true;
            socket->write(monitor::encode(first));
        } else {
            continue; // its snapshot is still being gathered: events wait in `own`
        }
        if (!logLine.isEmpty())
            socket->write(logLine);
        dropIfSlow(socket);
    }
}

void MonitorPublisher::drainEvents(monitor::Tick &shared)
{
    // Most ticks have no client between its snapshot and its first tick: then no event needs
    // a look at every client (a walk over the hash per event was 4 % of a tick).
    bool anyJoining = false;
    for (const Client &client : std::as_const(m_clients))
        anyJoining = anyJoining || !client.established;
    const qint64 dropped = m_engine->drainMonitorEvents([this, &shared, anyJoining](int worker, MonitorEvent &&event) {
        if (event.kind == MonitorEvent::Kind::QueueChanged) {
            if (event.bytesOut > 0)
                m_queuedByConnection.insert(event.connectionId, event.bytesOut);
            else
                m_queuedByConnection.remove(event.connectionId);
            return;
        }
        if (event.kind == MonitorEvent::Kind::ConnectionClosed)
            m_queuedByConnection.remove(event.connectionId);
        if (event.kind == MonitorEvent::Kind::SnapshotMarker) {
            for (Client &client : m_clients) {
                if (client.token == event.connectionId)
                    client.markedWorkers.insert(worker);
            }
            return;
        }
        collectEvent(shared, event);
        if (!anyJoining)
            return;
        for (Client &client : m_clients) {
            if (!client.established && client.markedWorkers.contains(worker))
                collectEvent(client.own, event);
        }
    });
    // A full ring loses events of either kind; say so on both counts rather than guess.
    shared.beganDropped += dropped;
    shared.endedDropped += dropped;
    // Every connection with output queued now, not only those whose queue moved this tick.
    for (auto it = m_queuedByConnection.cbegin(); it != m_queuedByConnection.cend(); ++it) {
        if (shared.queued.size() >= kMaxConnectionEventsPerTick)
            break;
        shared.queued.append({it.key(), {}, {}, 0, it.value()});
    }
}

void MonitorPublisher::collectEvent(monitor::Tick &tick, const MonitorEvent &event)
{
    switch (event.kind) {
    case MonitorEvent::Kind::RequestBegan:
    case MonitorEvent::Kind::RequestEnded: {
        const bool began = event.kind == MonitorEvent::Kind::RequestBegan;
        QList<monitor::RequestInfo> &list = began ? tick.began : tick.ended;
        if (list.size() >= kMaxRequestEventsPerTick) {
            ++(began ? tick.beganDropped : tick.endedDropped);
            return;
        }
        monitor::RequestInfo info;
        info.connectionId = event.connectionId;
        info.requestId = event.requestId;
        info.role = QString::fromLatin1(toString(Role(event.role)));
        info.method = QString::fromLatin1(event.method);
        info.uri = QString::fromUtf8(event.uri);
        info.startMs = began ? event.timeMs : event.timeMs - event.durationMs;
        info.status = event.status;
        info.durationMs = event.durationMs;
        info.bytesIn = event.bytesIn;
        info.bytesOut = event.bytesOut;
        info.aborted = event.aborted;
        list.append(info);
        return;
    }
    case MonitorEvent::Kind::ConnectionOpened:
        if (tick.connectionsOpened.size() >= kMaxConnectionEventsPerTick) {
            ++tick.connectionsDropped;
            return;
        }
        tick.connectionsOpened.append({event.connectionId, event.peer, event.listener, event.timeMs, 0});
        return;
    case MonitorEvent::Kind::ConnectionClosed:
        if (tick.connectionsClosed.size() >= kMaxConnectionEventsPerTick) {
            ++tick.connectionsDropped;
            return;
        }
        tick.connectionsClosed.append(event.connectionId);
        return;
    case MonitorEvent::Kind::SnapshotMarker:
    case MonitorEvent::Kind::QueueChanged: // folded into m_queuedByConnection by drainEvents()
        return;
    }
}

void MonitorPublisher::addChannels(monitor::Tick &tick) const
{
    if (!m_hub)
        return;
    const QList<HubChannelInfo> channels = m_hub->channels(); // busiest first
    QList<monitor::ChannelGauge> gauges;
    for (const HubChannelInfo &c : channels.mid(0, kMaxChannelsPerTick))
        gauges.append({QString::fromUtf8(c.name), c.subscribers, c.messagesPerSecond, c.messages,
                       QString::fromLatin1(c.lastId)});
    tick.channels = gauges;
    tick.channelsDropped = qMax<qint64>(0, channels.size() - kMaxChannelsPerTick);
}

} // namespace afcgi
