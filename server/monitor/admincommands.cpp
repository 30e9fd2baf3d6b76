#include "monitor/admincommands.h"

#include "config/configreport.h"
#include "config/logging.h"
#include "engine/engine.h"

#include <QTimer>

namespace afcgi {

namespace {

const char *const kCommands[] = {
    "reload", "drain", "stop", "abort-request", "close-connection", "pause-listener",
    "resume-listener", "set-limit", "config",
};

// The command as the log shows it: its name and arguments.
QString describe(const monitor::Command &c)
{
    QString text = c.cmd;
    if (c.connectionId)
        text += QStringLiteral(" connection %1").arg(*c.connectionId);
    if (c.requestId)
        text += QStringLiteral(" request %1").arg(*c.requestId);
    if (!c.listener.isEmpty())
        text += QStringLiteral(" listener %1").arg(c.listener);
    if (!c.limit.isEmpty())
        text += QStringLiteral(" %1").arg(c.limit);
    if (c.value)
        text += QStringLiteral("=%1").arg(*c.value);
    return text;
}

} // namespace

AdminCommands::AdminCommands(Engine *engine, AdminHooks hooks, bool enabled, QObject *parent)
    : QObject(parent), m_engine(engine), m_hooks(std::move(hooks)), m_enabled(enabled)
{
}

bool AdminCommands::isAdminCommand(const QString &cmd)
{
    for (const char *name : kCommands) {
        if (cmd == QLatin1String(name))
            return true;
    }
    return false;
}

bool AdminCommands::acts(const QString &cmd)
{
    return isAdminCommand(cmd) && cmd != QLatin1String("config");
}

void AdminCommands::finish(const monitor::Command &command, const monitor::PeerCredentials &peer,
                           const Reply &reply, bool ok, const QString &what)
{
    if (ok) {
        qCInfo(lcEngine).noquote() << "admin:" << describe(command) << "by" << peer.describe()
                                   << "- done:" << what;
        reply(monitor::Ack(command.cmd, what));
    } else {
        qCWarning(lcEngine).noquote() << "admin:" << describe(command) << "by" << peer.describe()
                                      << "- failed:" << what;
        reply(monitor::Error(what, command.cmd));
    }
}

void AdminCommands::run(const monitor::Command &command, const monitor::PeerCredentials &peer, Reply reply)
{
    const QString &cmd = command.cmd;
    if (acts(cmd) && !m_enabled) {
        const QString why = QStringLiteral("refused: the monitor channel is read-only (--monitor-admin off)");
        qCWarning(lcEngine).noquote() << "admin:" << describe(command) << "by" << peer.describe()
                                      << "- refused: read-only channel";
        reply(monitor::Error(why, cmd));
        return;
    }
    if (cmd == QLatin1String("config")) {
        monitor::Ack ack(cmd);
        ack.settings = describeConfig(m_engine->config());
        reply(ack); // reading is not an action: not logged
        return;
    }
    if (cmd == QLatin1String("reload")) {
        QString what;
        const bool ok = m_hooks.reload && m_hooks.reload(&what);
        finish(command, peer, reply, ok, what);
        return;
    }
    if (cmd == QLatin1String("drain") || cmd == QLatin1String("stop")) {
        const bool drain = cmd == QLatin1String("drain");
        if (drain && m_engine->isShuttingDown()) {
            finish(command, peer, reply, false, QStringLiteral("already draining"));
            return;
        }
        const ServerCounters now = m_engine->counters();
        finish(command, peer, reply, true,
               drain ? QStringLiteral("draining: not accepting; %1 requests in flight get %2 ms")
                           .arg(now.requestsActive).arg(m_engine->config().shutdownGraceMs)
                     : QStringLiteral("stopping now; %1 requests in flight are aborted").arg(now.requestsActive));
        // After the answer has gone out: stopping ends the process.
        QTimer::singleShot(0, this, [this, drain] {
            if (const auto &hook = drain ? m_hooks.drain : m_hooks.stop)
                hook();
        });
        return;
    }
    if (cmd == QLatin1String("pause-listener") || cmd == QLatin1String("resume-listener")) {
        const bool pause = cmd == QLatin1String("pause-listener");
        QString why;
        if (command.listener.isEmpty()) {
            finish(command, peer, reply, false, QStringLiteral("%1 needs \"listener\"").arg(cmd));
        } else if (!m_engine->setListenerPaused(command.listener, pause, &why)) {
            finish(command, peer, reply, false, why);
        } else {
            finish(command, peer, reply, true,
                   QStringLiteral("listener %1 %2").arg(command.listener, pause ? QStringLiteral("paused")
                                                                              : QStringLiteral("accepting again")));
        }
        return;
    }
    if (cmd == QLatin1String("set-limit")) {
        QString what;
        const bool ok = setLimit(command, peer, &what);
        finish(command, peer, reply, ok, what);
        return;
    }
    // abort-request and close-connection: on the worker that owns the connection.
    const bool abort = cmd == QLatin1String("abort-request");
    if (!command.connectionId || (abort && !command.requestId)) {
        finish(command, peer, reply, false,
               abort ? QStringLiteral("abort-request needs \"connection_id\" and \"request_id\"")
                     : QStringLiteral("close-connection needs \"connection_id\""));
        return;
    }
    const quint64 connectionId = *command.connectionId;
    const quint16 requestId = command.requestId.value_or(0);
    m_engine->actOnConnection(
        connectionId, this,
        [abort, requestId](Connection *connection) {
            if (abort)
                return connection->cancelRequest(requestId);
            connection->closeNow();
            return true;
        },
        [this, command, peer, reply, abort, connectionId, requestId](bool found) {
            if (!found)
                finish(command, peer, reply, false,
                       abort ? QStringLiteral("no request %1 in flight on connection %2").arg(requestId).arg(connectionId)
                             : QStringLiteral("no connection %1").arg(connectionId));
            else
                finish(command, peer, reply, true,
                       abort ? QStringLiteral("request %1 on connection %2 aborted").arg(requestId).arg(connectionId)
                             : QStringLiteral("connection %1 closed").arg(connectionId));
        });
}

bool AdminCommands::setLimit(const monitor::Command &command, const monitor::PeerCredentials &peer, QString *what)
{
    if (command.limit.isEmpty() || !command.value) {
        *what = QStringLiteral("set-limit needs \"limit\" and \"value\"");
        return false;
    }
    if (!isLiveSetting(command.limit)) {
        QStringList live;
        for (const monitor::Setting &s : describeConfig(m_engine->config())) {
            if (s.live)
                live.append(s.key);
        }
        *what = QStringLiteral("'%1' cannot change while the service runs (live: %2)")
                    .arg(command.limit, live.join(QStringLiteral(", ")));
        return false;
    }
    const ServerConfig before = m_engine->config();
    ServerConfig config = before;
    QString why;
    if (!ServerConfigParser::apply(config, command.limit, QString::number(*command.value), &why)) {
        *what = why;
        return false;
    }
    config.origins.insert(command.limit, QStringLiteral("monitor (%1)").arg(peer.describe()));
    m_engine->reloadLimits(config);
    const QStringList changes = changedSettings(before, config);
    *what = changes.isEmpty() ? QStringLiteral("%1 unchanged (%2)").arg(command.limit).arg(*command.value)
                              : changes.join(QStringLiteral(", "));
    return true;
}

} // namespace afcgi
