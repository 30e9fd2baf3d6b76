#pragma once
// Shared by the engine suites (tst_engine_*, tst_flowcontrol, tst_limits): an in-process engine listening on
// TCP port 0 or on a Unix socket in a temporary directory, clients that it owns, small request
// helpers, a /status reader, and the policy for the engine's own warnings.
//
// Warnings. Each suite's init() calls QTest::failOnWarning(".*"), so any warning fails the test.
// The engine warns on purpose when it meets malformed input, and does so on its worker threads,
// where QTest's ignore list must not be touched. So EngineLog captures every message of an
// "afcgi.*" category (thread-safe) instead of handing it to QTest: a test that provokes a warning
// declares it with EngineLog::expect(regex), and the suite's cleanup() fails the test for an
// engine warning nobody expected, or an expected one that never came. Engine info and debug
// lines are switched off; set AFCGI_TEST_LOG=1 to see them on stderr.

#include "cgiresponse.h"
#include "config/serverconfig.h"
#include "engine/engine.h"
#include "fcgiclient.h"
#include "handlers/builtinhandlers.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>
#include <QTest>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace enginetest {

// --- the engine's warnings -----------------------------------------------------------------

class EngineLog
{
public:
    static void install()
    {
        if (!qEnvironmentVariableIsSet("AFCGI_TEST_LOG"))
            QLoggingCategory::setFilterRules(QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=false"));
        state().previous = qInstallMessageHandler(&EngineLog::handler);
    }
    static void uninstall() { qInstallMessageHandler(state().previous); }

    // Forget what was captured and expected: call at the start of each test.
    static void reset()
    {
        QMutexLocker lock(&state().mutex);
        state().captured.clear();
        state().expected.clear();
    }
    // This test provokes an engine warning matching `pattern` (at least once).
    static void expect(const QRegularExpression &pattern)
    {
        QMutexLocker lock(&state().mutex);
        state().expected.append(pattern);
    }
    static int count(const QRegularExpression &pattern)
    {
        QMutexLocker lock(&state().mutex);
        int n = 0;
        for (const QString &line : std::as_const(state().captured))
            n += pattern.match(line).hasMatch() ? 1 : 0;
        return n;
    }
    // Problems for cleanup() to report: warnings nobody expected, expectations never met.
    static QStringList problems()
    {
        QMutexLocker lock(&state().mutex);
        QStringList out;
        for (const QString &line : std::as_const(state().captured)) {
            bool known = false;
            for (const QRegularExpression &re : std::as_const(state().expected))
                known = known || re.match(line).hasMatch();
            if (!known)
                out.append(QStringLiteral("unexpected engine warning: ") + line);
        }
        for (const QRegularExpression &re : std::as_const(state().expected)) {
            bool seen = false;
            for (const QString &line : std::as_const(state().captured))
                seen = seen || re.match(line).hasMatch();
            if (!seen)
                out.append(QStringLiteral("expected engine warning never came: ") + re.pattern());
        }
        return out;
    }

private:
    struct State
    {
        QMutex mutex;
        QStringList captured; // "category: message", warnings and worse
        QList<QRegularExpression> expected;
        QtMessageHandler previous = nullptr;
    };
    static State &state()
    {
        static State s;
        return s;
    }
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        const bool ours = context.category && qstrncmp(context.category, "afcgi.", 6) == 0;
        if (!ours) {
            state().previous(type, context, message);
            return;
        }
        const QString line = QLatin1String(context.category) + QLatin1String(": ") + message;
        if (type == QtDebugMsg || type == QtInfoMsg) {
            std::fprintf(stderr, "%s\n", qPrintable(line));
            return;
        }
        QMutexLocker lock(&state().mutex);
        state().captured.append(line);
    }
};

// --- the engine under test -----------------------------------------------------------------

inline afcgi::ServerConfig defaultConfig()
{
    afcgi::ServerConfig config;
    config.threads = 2;
    config.monitor = QStringLiteral("none");
    return config;
}

// `transport`: "tcp" (127.0.0.1, port 0), "unix" (a socket in a temporary directory), or
// "tcp+unix" (both; listener 0 is TCP). Mount extra handlers on engine().router() between
// construction and start().
class TestServer
{
public:
    // `sources` report in /status and /metrics beside the engine (the CGI bridge).
    explicit TestServer(const QString &transport, afcgi::ServerConfig config = defaultConfig(),
                        const QList<const afcgi::StatusSource *> &sources = {})
    {
        const auto tcp = *afcgi::ListenAddress::parse(QStringLiteral("127.0.0.1:0"));
        const auto local = *afcgi::ListenAddress::parse(
            QStringLiteral("unix:") + m_dir.filePath(QStringLiteral("s.sock")));
        if (transport == QLatin1String("unix"))
            config.listen = {local};
        else if (transport == QLatin1String("tcp6"))
            config.listen = {*afcgi::ListenAddress::parse(QStringLiteral("[::1]:0"))};
        else if (transport == QLatin1String("tcp+unix"))
            config.listen = {tcp, local};
        else
            config.listen = {tcp};
        m_engine = std::make_unique<afcgi::Engine>(config);
        afcgi::mountBuiltinHandlers(m_engine->router(), *m_engine, nullptr, sources);
    }

    ~TestServer()
    {
        // Clients first, so that the engine sees them go and has no request left to cut short.
        m_clients.clear();
        if (m_started)
            (void)QTest::qWaitFor([this] { return m_engine->counters().connectionsOpen == 0; }, 5000);
        m_engine.reset();
    }

    bool start()
    {
        QString error;
        m_started = m_engine->start(&error);
        if (!m_started)
            qWarning("engine did not start: %s", qPrintable(error));
        return m_started;
    }

    afcgi::Engine &engine() { return *m_engine; }
    afcgi::ServerCounters counters() const { return m_engine->counters(); }

    // What a client connects to, and the listener's name as /status reports it.
    QString address(int listener = 0) const
    {
        const QString name = m_engine->listenerNames().value(listener);
        if (name.startsWith(QLatin1String("unix:")))
            return name;
        if (name.startsWith(QLatin1Char('[')))
            return QStringLiteral("[::1]:%1").arg(m_engine->tcpPort(listener));
        return QStringLiteral("127.0.0.1:%1").arg(m_engine->tcpPort(listener));
    }
    QString listenerName(int listener = 0) const { return m_engine->listenerNames().value(listener); }

    // A connected client owned by the server fixture (nullptr when the connection fails).
    afcgi::FcgiClient *connectClient(int listener = 0)
    {
        auto client = std::make_unique<afcgi::FcgiClient>();
        client->connectToServer(address(listener));
        if (!client->waitForConnected(5000))
            return nullptr;
        m_clients.push_back(std::move(client));
        return m_clients.back().get();
    }
    // Closes and forgets one client (the engine sees the connection close).
    void dropClient(afcgi::FcgiClient *client)
    {
        for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
            if (it->get() == client) {
                client->disconnectFromServer();
                m_clients.erase(it);
                return;
            }
        }
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<afcgi::Engine> m_engine;
    std::vector<std::unique_ptr<afcgi::FcgiClient>> m_clients;
    bool m_started = false;
};

// --- waiting -------------------------------------------------------------------------------

// Like QTest::qWaitFor, but with a real event loop. qWaitFor (and the QTRY macros) sleep 10 ms
// between rounds of events, which holds a client socket to a few hundred KB/s: use this where
// megabytes move. The predicate is checked every few milliseconds.
inline bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    QTimer deadline;
    poll.setInterval(2);
    deadline.setSingleShot(true);
    bool ok = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            ok = true;
            loop.quit();
        }
    });
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    poll.start();
    deadline.start(timeoutMs);
    loop.exec();
    return ok;
}

// The engine's own view, gathered from its workers (empty lists when they do not answer).
struct EngineSnapshot
{
    QList<afcgi::ActiveRequestInfo> requests;
    QList<afcgi::ConnectionSnapshot> connections;
};

inline EngineSnapshot snapshot(afcgi::Engine &engine)
{
    QObject context;
    EngineSnapshot result;
    bool done = false;
    engine.collectSnapshot(&context, [&](const QList<afcgi::ActiveRequestInfo> &requests,
                                         const QList<afcgi::ConnectionSnapshot> &connections) {
        result = {requests, connections};
        done = true;
    });
    waitFor([&] { return done; }, 5000);
    return result;
}

// --- requests ------------------------------------------------------------------------------

inline quint16 sendGet(afcgi::FcgiClient &client, QByteArrayView uri, quint16 id = 0,
                       bool keepConn = true)
{
    id = client.beginRequest(afcgi::FcgiClient::requestParams("GET", uri), afcgi::Role::Responder,
                             keepConn, id);
    client.sendStdin(id, {});
    return id;
}

inline quint16 sendPost(afcgi::FcgiClient &client, QByteArrayView uri, QByteArrayView body,
                        quint16 id = 0, QByteArrayView contentType = "application/octet-stream")
{
    id = client.beginRequest(
        afcgi::FcgiClient::requestParams("POST", uri, body.size(), contentType),
        afcgi::Role::Responder, true, id);
    if (!body.isEmpty())
        client.sendStdin(id, body);
    client.sendStdin(id, {});
    return id;
}

// A request with any method, extra CGI parameters (HTTP_COOKIE, HTTP_RANGE, ...) and a body
// sent in pieces of at most `pieceBytes`.
inline quint16 sendRequest(afcgi::FcgiClient &client, QByteArrayView method, QByteArrayView uri,
                           const afcgi::NameValueList &extra = {}, QByteArrayView body = {},
                           QByteArrayView contentType = {}, qsizetype pieceBytes = 65535)
{
    afcgi::NameValueList params = afcgi::FcgiClient::requestParams(
        method, uri, body.isEmpty() && contentType.isEmpty() ? -1 : body.size(), contentType);
    params += extra;
    const quint16 id = client.beginRequest(params, afcgi::Role::Responder, true, 0);
    for (qsizetype at = 0; at < body.size(); at += pieceBytes)
        client.sendStdin(id, body.sliced(at, qMin(pieceBytes, body.size() - at)));
    client.sendStdin(id, {});
    return id;
}

inline bool waitEnded(const afcgi::FcgiClient &client, quint16 id, int timeoutMs = 5000)
{
    return waitFor([&] { return client.response(id).ended; }, timeoutMs);
}

inline std::optional<afcgi::CgiResponse> parse(const afcgi::FcgiClient::Response &response)
{
    return afcgi::parseCgiResponse(response.out);
}

// One /status (or /status?full=1) request on `client`; an empty object when it fails.
inline QJsonObject fetchStatus(afcgi::FcgiClient &client, QByteArrayView uri = "/status")
{
    const quint16 id = sendGet(client, uri);
    if (!waitEnded(client, id))
        return {};
    const auto response = parse(client.takeResponse(id));
    if (!response || response->status != 200)
        return {};
    return QJsonDocument::fromJson(response->body).object();
}

} // namespace enginetest
