#pragma once

#include "monitorprotocol.h"
#include "peercredentials.h"

#include <QObject>

#include <functional>

namespace afcgi {

class Engine;

// What the service does for the commands that are not the engine's alone.
struct AdminHooks
{
    std::function<bool(QString *message)> reload; // what SIGHUP does; message: what changed, or why not
    std::function<void()> drain;                  // what SIGTERM does
    std::function<void()> stop;                   // what a second SIGTERM does: close at once
};

// The monitor channel's admin commands (reload, drain, stop, abort-request, close-connection,
// pause-listener, resume-listener, set-limit, config). Each is logged with who asked (the
// peer's uid and pid) and its outcome, and answered with `ack` (what was done) or `error` (why
// not). With admin off (--monitor-admin off) every command that acts is refused; `config` only
// reads and is always answered.
class AdminCommands final : public QObject
{
    Q_OBJECT
public:
    AdminCommands(Engine *engine, AdminHooks hooks, bool enabled, QObject *parent = nullptr);

    bool isEnabled() const { return m_enabled; }
    static bool isAdminCommand(const QString &cmd);
    // Whether `cmd` changes the service (refused on a read-only channel).
    static bool acts(const QString &cmd);

    using Reply = std::function<void(const monitor::Message &)>;
    // Carries out `command` for `peer`; `reply` is called once, maybe later (on this thread).
    void run(const monitor::Command &command, const monitor::PeerCredentials &peer, Reply reply);

private:
    void finish(const monitor::Command &command, const monitor::PeerCredentials &peer,
                const Reply &reply, bool ok, const QString &what);
    bool setLimit(const monitor::Command &command, const monitor::PeerCredentials &peer, QString *what);

    Engine *m_engine;
    AdminHooks m_hooks;
    bool m_enabled;
};

} // namespace afcgi
