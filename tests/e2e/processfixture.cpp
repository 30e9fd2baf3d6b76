#include "processfixture.h"

#include "cgiresponse.h"
#include "fcgiclient.h"
#include "strictmode.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#ifndef AFCGID_PATH
#error "AFCGID_PATH must name the afcgid binary (set by tests/e2e/CMakeLists.txt)"
#endif
#ifndef AFCGI_RESOURCES_DIR
#error "AFCGI_RESOURCES_DIR must name the resources/ directory (set by tests/e2e/CMakeLists.txt)"
#endif

namespace e2e {

namespace {

constexpr int kPollIntervalMs = 25;
constexpr qsizetype kMaxLogBytesShown = 16 * 1024;
constexpr int kCurlGraceMs = 5000;     // past curl's own --max-time
constexpr int kStatusTimeoutMs = 5000;

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
    return fixtures::strictMode();
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
                                QString *error, int timeoutMs,
                                const QProcessEnvironment &environment)
{
    if (!m_dir.isValid()) {
        *error = QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        return nullptr;
    }
    auto owned = std::make_unique<QProcess>();
    QProcess *process = owned.get();
    m_processes.push_back(std::move(owned));
    addLog(logName);

    // A log file rather than a pipe: nobody has to keep reading it while the test waits on
    // something else, so a chatty process can never block on a full pipe.
    process->setProcessChannelMode(QProcess::MergedChannels);
    process->setStandardOutputFile(path(logName + QStringLiteral(".log")), QIODevice::Append);
    process->setStandardInputFile(QProcess::nullDevice());
    if (!environment.isEmpty())
        process->setProcessEnvironment(environment);
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
                                      QString *error, const QProcessEnvironment &environment)
{
    return start(afcgidPath(), arguments + monitorArguments(arguments), QStringLiteral("afcgid"),
                 readyAddress, error, 10000, environment);
}

QStringList ProcessFixture::monitorArguments(const QStringList &arguments) const
{
    // Its own monitor channel, so that it never meets another afcgid's (a running service's, or
    // a parallel test's) default one.
    if (arguments.contains(QLatin1String("--monitor")))
        return {};
    return {QStringLiteral("--monitor"), path(QStringLiteral("monitor.sock"))};
}

QString ProcessFixture::samplePath(const QString &relative)
{
    return QStringLiteral(AFCGI_RESOURCES_DIR "/") + relative;
}

bool ProcessFixture::writeFromSample(const QString &sample, const QList<Substitution> &substitutions,
                                     const QString &fileName, QString *error) const
{
    QFile file(samplePath(sample));
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    for (const Substitution &substitution : substitutions) {
        qsizetype found = -1;
        int matches = 0;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            if (lines.at(i).trimmed().startsWith(substitution.from)) {
                found = i;
                ++matches;
            }
        }
        if (matches != 1) {
            *error = QStringLiteral("%1 has %2 lines starting with \"%3\", expected exactly one")
                         .arg(file.fileName())
                         .arg(matches)
                         .arg(substitution.from);
            return false;
        }
        QString &line = lines[found];
        line.replace(line.indexOf(substitution.from), substitution.from.size(), substitution.to);
    }
    return writeFile(fileName, lines.join(QLatin1Char('\n')).toUtf8(), error);
}

bool ProcessFixture::writeFile(const QString &fileName, const QByteArray &contents,
                               QString *error) const
{
    QFile file(path(fileName));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString());
        return false;
    }
    return true;
}

void ProcessFixture::addLog(const QString &logName)
{
    if (!m_logNames.contains(logName))
        m_logNames.append(logName);
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
    // The tail of each: a load test's access log has a line per request.
    constexpr qsizetype kTailBytes = 32 * 1024;
    QByteArray out;
    for (const QString &name : m_logNames) {
        out += "----- " + name.toUtf8() + ".log -----\n";
        const QByteArray text = log(name);
        if (text.size() > kTailBytes) {
            out += "(" + QByteArray::number(text.size() - kTailBytes) + " bytes before these left out)\n";
            out += QByteArrayView(text).last(kTailBytes);
        } else {
            out += text;
        }
        if (!out.endsWith('\n'))
            out += '\n';
    }
    return out;
}

std::unique_ptr<QProcess> ProcessFixture::startCurl(const QStringList &arguments, int maxTimeSeconds)
{
    static const QString curlPath = findTool(QStringLiteral("curl"));
    auto process = std::make_unique<QProcess>();
    process->setStandardInputFile(QProcess::nullDevice());
    process->start(curlPath, QStringList{QStringLiteral("-sS"), QStringLiteral("--noproxy"), QStringLiteral("*"),
                                         QStringLiteral("--max-time"), QString::number(maxTimeSeconds)}
                                 + arguments);
    return process;
}

CurlResult ProcessFixture::curl(const QString &url, const QStringList &arguments) const
{
    constexpr int kMaxTimeSeconds = 30; // a 5 MB echo through a front end takes a second or two
    CurlResult result;
    const QString bodyFile = path(QStringLiteral("curl-body.out"));
    QFile::remove(bodyFile);
    const auto process = startCurl(QStringList{QStringLiteral("-o"), bodyFile, QStringLiteral("-w"),
                                               QStringLiteral("%{http_code} %{content_type}")}
                                       + arguments + QStringList{url},
                                   kMaxTimeSeconds);
    if (!process->waitForFinished(kMaxTimeSeconds * 1000 + kCurlGraceMs)) {
        result.errors = "curl did not finish";
        return result;
    }
    result.exitCode = process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1;
    result.errors = process->readAllStandardError();
    const QByteArray written = process->readAllStandardOutput().trimmed();
    const qsizetype space = written.indexOf(' ');
    result.httpStatus = written.left(space < 0 ? written.size() : space).toInt();
    result.contentType = space < 0 ? QByteArray() : written.mid(space + 1);
    QFile body(bodyFile);
    if (body.open(QIODevice::ReadOnly))
        result.body = body.readAll();
    return result;
}

QStringList ProcessFixture::parallelCurlArguments(const QStringList &urls)
{
    // --parallel-immediate: a new connection for each transfer at once, as separate clients do.
    QStringList arguments{QStringLiteral("--parallel"), QStringLiteral("--parallel-immediate"),
                          QStringLiteral("--parallel-max"), QString::number(urls.size()),
                          QStringLiteral("-w"), QStringLiteral("%{http_code}\\n")};
    for (const QString &url : urls)
        arguments += {QStringLiteral("-o"), QProcess::nullDevice(), url};
    return arguments;
}

QList<int> ProcessFixture::statusesOf(const QByteArray &curlOutput)
{
    QList<int> statuses;
    for (const QByteArray &line : curlOutput.split('\n')) {
        if (!line.trimmed().isEmpty())
            statuses.append(line.trimmed().toInt());
    }
    return statuses;
}

QJsonObject ProcessFixture::afcgidStatus(const QString &address, bool full)
{
    afcgi::FcgiClient client;
    client.connectToServer(address);
    if (!client.waitForConnected(kStatusTimeoutMs))
        return {};
    const quint16 id = client.beginRequest(
        afcgi::FcgiClient::requestParams("GET", full ? "/status?full=1" : "/status"));
    client.sendStdin(id, {});
    if (!QTest::qWaitFor([&] { return client.response(id).ended || !client.isConnected(); },
                         kStatusTimeoutMs)
        || !client.response(id).ended) {
        return {};
    }
    const auto response = afcgi::parseCgiResponse(client.response(id).out);
    if (!response || response->status != 200)
        return {};
    return QJsonDocument::fromJson(response->body).object();
}

int ProcessFixture::activeRequests(const QJsonObject &status)
{
    const QJsonValue active = status.value(QStringLiteral("requests")).toObject().value(QStringLiteral("active"));
    return active.isDouble() ? active.toInt() - 1 : -1;
}

int ProcessFixture::abortedRequests(const QJsonObject &status)
{
    return status.value(QStringLiteral("requests")).toObject().value(QStringLiteral("aborted")).toInt(-1);
}

} // namespace e2e
