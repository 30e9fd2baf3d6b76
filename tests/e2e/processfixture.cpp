#include "processfixture.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

#ifndef AFCGID_PATH
#error "AFCGID_PATH must name the afcgid binary (set by tests/e2e/CMakeLists.txt)"
#endif
#ifndef AFCGI_NGINX_SAMPLE
#error "AFCGI_NGINX_SAMPLE must name resources/nginx/afcgi.conf (set by tests/e2e/CMakeLists.txt)"
#endif

namespace e2e {

namespace {

constexpr int kPollIntervalMs = 25;
constexpr qsizetype kMaxLogBytesShown = 16 * 1024;

// The lines of the sample that the tests change; each must occur exactly once.
const QRegularExpression kSampleUpstreamLine(QStringLiteral(R"(^(\s*)server 127\.0\.0\.1:9000;)"),
                                             QRegularExpression::MultilineOption);
const QRegularExpression kSampleListenLine(QStringLiteral(R"(^(\s*)listen 8080;)"),
                                           QRegularExpression::MultilineOption);

bool replaceOnce(QString &text, const QRegularExpression &line, const QString &replacement,
                 QString *error)
{
    QRegularExpressionMatchIterator it = line.globalMatch(text);
    QList<QRegularExpressionMatch> matches;
    while (it.hasNext())
        matches.append(it.next());
    if (matches.size() != 1) {
        *error = QStringLiteral("%1 has %2 lines matching /%3/, expected exactly one")
                     .arg(QStringLiteral(AFCGI_NGINX_SAMPLE))
                     .arg(matches.size())
                     .arg(line.pattern());
        return false;
    }
    const QRegularExpressionMatch &m = matches.first();
    text.replace(m.capturedStart(), m.capturedLength(), m.captured(1) + replacement);
    return true;
}

bool writeFile(const QString &path, const QByteArray &contents, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

ProcessFixture::ProcessFixture() : m_dir(QDir::tempPath() + QStringLiteral("/afcgi-e2e-XXXXXX"))
{
}

ProcessFixture::~ProcessFixture()
{
    for (auto it = m_processes.rbegin(); it != m_processes.rend(); ++it)
        stop(it->get());
}

QString ProcessFixture::afcgidPath()
{
    return QStringLiteral(AFCGID_PATH);
}

QString ProcessFixture::findTool(const QString &name)
{
    QString found = QStandardPaths::findExecutable(name);
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
    return found;
}

bool ProcessFixture::missingToolIsFailure()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

quint16 ProcessFixture::freeTcpPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

bool ProcessFixture::canConnect(const QString &address, int timeoutMs)
{
    if (address.startsWith(QLatin1String("unix:"))) {
        QLocalSocket socket;
        socket.connectToServer(address.mid(5));
        const bool ok = socket.waitForConnected(timeoutMs);
        socket.abort();
        return ok;
    }
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    QString host = address.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    const quint16 port = address.mid(colon + 1).toUShort();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress(host), port);
    const bool ok = socket.waitForConnected(timeoutMs);
    socket.abort();
    return ok;
}

QProcess *ProcessFixture::start(const QString &program, const QStringList &arguments,
                                const QString &logName, const QString &readyAddress,
                                QString *error, int timeoutMs)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return nullptr;
    }
    auto owned = std::make_unique<QProcess>();
    QProcess *process = owned.get();
    m_processes.push_back(std::move(owned));
    if (!m_logNames.contains(logName))
        m_logNames.append(logName);

    // A log file rather than a pipe: nobody has to keep reading it while the test waits on
    // something else, so a chatty process can never block on a full pipe.
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardOutputFile(path(logName + QStringLiteral(".log")), QIODevice::Append);
    process->setStandardInputFile(QProcess::nullDevice());
    process->start(program, arguments);
    if (!process->waitForStarted(timeoutMs)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, process->errorString());
        return nullptr;
    }

    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (canConnect(readyAddress, 250))
            return process;
        // Waiting for the process to finish doubles as the pause between two attempts.
        if (process->state() == QProcess::NotRunning || process->waitForFinished(kPollIntervalMs)) {
            *error = QStringLiteral("%1 exited (code %2) before accepting on %3; its log:\n%4")
                         .arg(program)
                         .arg(process->exitCode())
                         .arg(readyAddress, QString::fromLocal8Bit(log(logName)));
            return nullptr;
        }
        if (deadline.hasExpired()) {
            *error = QStringLiteral("%1 did not accept on %2 within %3 ms; its log:\n%4")
                         .arg(program, readyAddress)
                         .arg(timeoutMs)
                         .arg(QString::fromLocal8Bit(log(logName)));
            return nullptr;
        }
    }
}

QProcess *ProcessFixture::startAfcgid(const QStringList &arguments, const QString &readyAddress,
                                      QString *error)
{
    return start(afcgidPath(), arguments + monitorArguments(arguments), QStringLiteral("afcgid"),
                 readyAddress, error);
}

QStringList ProcessFixture::monitorArguments(const QStringList &arguments) const
{
    // Its own monitor channel, so that it never meets another afcgid's (a running service's, or
    // a parallel test's) default one.
    if (arguments.contains(QLatin1String("--monitor")))
        return {};
    return {QStringLiteral("--monitor"), path(QStringLiteral("monitor.sock"))};
}

bool ProcessFixture::writeNginxConfig(const QString &upstreamServer, quint16 httpPort,
                                      QString *error)
{
    QFile sample(QStringLiteral(AFCGI_NGINX_SAMPLE));
    if (!sample.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(sample.fileName(), sample.errorString());
        return false;
    }
    QString site = QString::fromUtf8(sample.readAll());
    if (!replaceOnce(site, kSampleUpstreamLine, QStringLiteral("server %1;").arg(upstreamServer), error)
        || !replaceOnce(site, kSampleListenLine, QStringLiteral("listen 127.0.0.1:%1;").arg(httpPort), error)) {
        return false;
    }
    if (!writeFile(path(QStringLiteral("afcgi.conf")), site.toUtf8(), error))
        return false;

    // The main context a packaged nginx.conf would give, with every path inside our directory.
    QString conf;
#ifdef Q_OS_UNIX
    if (::geteuid() == 0)
        conf += QStringLiteral("user root;\n"); // workers would otherwise drop to nobody
#endif
    conf += QStringLiteral(
        "worker_processes 1;\n"
        "error_log %1/nginx-error.log notice;\n"
        "pid %1/nginx.pid;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    access_log %1/nginx-access.log;\n"
        "    client_body_temp_path %1/nginx-body;\n"
        "    fastcgi_temp_path %1/nginx-fastcgi;\n"
        "    proxy_temp_path %1/nginx-proxy;\n"
        "    scgi_temp_path %1/nginx-scgi;\n"
        "    uwsgi_temp_path %1/nginx-uwsgi;\n"
        "    default_type application/octet-stream;\n"
        "    include %1/afcgi.conf;\n"
        "}\n").arg(m_dir.path());
    return writeFile(path(QStringLiteral("nginx.conf")), conf.toUtf8(), error);
}

QProcess *ProcessFixture::startNginx(const QString &upstreamServer, quint16 httpPort,
                                     QString *error)
{
    const QString nginx = findTool(QStringLiteral("nginx"));
    if (nginx.isEmpty()) {
        *error = QStringLiteral("nginx is not installed");
        return nullptr;
    }
    if (!writeNginxConfig(upstreamServer, httpPort, error))
        return nullptr;
    if (!m_logNames.contains(QStringLiteral("nginx-error")))
        m_logNames.append(QStringLiteral("nginx-error"));
    const QStringList arguments{
        QStringLiteral("-p"), m_dir.path() + QLatin1Char('/'),
        QStringLiteral("-c"), path(QStringLiteral("nginx.conf")),
        QStringLiteral("-e"), path(QStringLiteral("nginx-error.log")),
        QStringLiteral("-g"), QStringLiteral("daemon off; master_process off;"),
    };
    return start(nginx, arguments, QStringLiteral("nginx"),
                 QStringLiteral("127.0.0.1:%1").arg(httpPort), error);
}

void ProcessFixture::stop(QProcess *process, int timeoutMs)
{
    if (!process || process->state() == QProcess::NotRunning)
        return;
    process->terminate();
    if (!process->waitForFinished(timeoutMs)) {
        process->kill();
        process->waitForFinished(timeoutMs);
    }
}

QByteArray ProcessFixture::log(const QString &logName) const
{
    QFile file(path(logName + QStringLiteral(".log")));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray bytes = file.readAll();
    if (bytes.size() > kMaxLogBytesShown)
        bytes = "[...]\n" + bytes.right(kMaxLogBytesShown);
    return bytes;
}

QByteArray ProcessFixture::allLogs() const
{
    QByteArray out;
    for (const QString &name : m_logNames) {
        out += "----- " + name.toUtf8() + ".log -----\n";
        out += log(name);
        if (!out.endsWith('\n'))
            out += '\n';
    }
    return out;
}

} // namespace e2e
