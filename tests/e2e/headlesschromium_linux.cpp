#include "headlesschromium.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace e2e {

HeadlessChromium::HeadlessChromium() = default;

HeadlessChromium::~HeadlessChromium()
{
    if (m_toBrowser >= 0)
        ::close(m_toBrowser); // the browser exits when its pipe closes...
    if (m_process && !m_process->waitForFinished(5000))
        m_process->kill(); // ...or is made to
    if (m_fromBrowser >= 0)
        ::close(m_fromBrowser);
}

bool HeadlessChromium::open(const QString &program, const QString &profileDir, const QString &url,
                            QString *error)
{
    int toBrowser[2];
    int fromBrowser[2];
    if (::pipe2(toBrowser, O_CLOEXEC) != 0 || ::pipe2(fromBrowser, O_CLOEXEC) != 0) {
        *error = QStringLiteral("pipe2 failed");
        return false;
    }
    m_process = std::make_unique<QProcess>();
    // Its chatter (no D-Bus here, and so on) goes beside the profile, not into the test's output.
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(profileDir + QStringLiteral(".log"));
    // In the child: the browser reads fd 3 and writes fd 4 (dup2 clears close-on-exec).
    const int readEnd = toBrowser[0];
    const int writeEnd = fromBrowser[1];
    m_process->setChildProcessModifier([readEnd, writeEnd] {
        ::dup2(readEnd, 3);
        ::dup2(writeEnd, 4);
    });
    m_process->start(program, {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                               QStringLiteral("--disable-gpu"),
                               QStringLiteral("--disable-background-networking"),
                               QStringLiteral("--disable-component-update"),
                               QStringLiteral("--disable-sync"), QStringLiteral("--no-first-run"),
                               QStringLiteral("--user-data-dir=") + profileDir,
                               QStringLiteral("--remote-debugging-pipe"), QStringLiteral("about:blank")});
    ::close(toBrowser[0]);
    ::close(fromBrowser[1]);
    m_toBrowser = toBrowser[1];
    m_fromBrowser = fromBrowser[0];
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(program, m_process->errorString());
        return false;
    }
    const QJsonObject target = call(QStringLiteral("Target.createTarget"),
                                    {{QStringLiteral("url"), url}}, {}, 30000);
    const QString targetId = target.value(QStringLiteral("targetId")).toString();
    const QJsonObject attached = call(QStringLiteral("Target.attachToTarget"),
                                      {{QStringLiteral("targetId"), targetId},
                                       {QStringLiteral("flatten"), true}});
    m_session = attached.value(QStringLiteral("sessionId")).toString();
    if (m_session.isEmpty()) {
        *error = QStringLiteral("no DevTools session with the page (target '%1')").arg(targetId);
        return false;
    }
    return true;
}

QJsonValue HeadlessChromium::evaluate(const QString &expression)
{
    const QJsonObject result = call(QStringLiteral("Runtime.evaluate"),
                                    {{QStringLiteral("expression"), expression},
                                     {QStringLiteral("returnByValue"), true}},
                                    m_session);
    return result.value(QStringLiteral("result")).toObject().value(QStringLiteral("value"));
}

QJsonObject HeadlessChromium::call(const QString &method, const QJsonObject &params,
                                   const QString &session, int timeoutMs)
{
    const int id = m_nextId++;
    QJsonObject message{{QStringLiteral("id"), id}, {QStringLiteral("method"), method},
                        {QStringLiteral("params"), params}};
    if (!session.isEmpty())
        message.insert(QStringLiteral("sessionId"), session);
    QByteArray bytes = QJsonDocument(message).toJson(QJsonDocument::Compact);
    bytes.append('\0');
    for (qsizetype done = 0; done < bytes.size();) {
        const ssize_t n = ::write(m_toBrowser, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            return {};
        done += n;
    }
    QElapsedTimer clock;
    clock.start();
    QJsonObject answer;
    // Events (no id) and answers to other calls are skipped.
    while (readMessage(&answer, int(qMax<qint64>(1, timeoutMs - clock.elapsed())))) {
        if (answer.value(QStringLiteral("id")).toInt() == id)
            return answer.value(QStringLiteral("result")).toObject();
    }
    return {};
}

bool HeadlessChromium::readMessage(QJsonObject *message, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    for (;;) {
        const qsizetype end = m_buffer.indexOf('\0');
        if (end >= 0) {
            *message = QJsonDocument::fromJson(m_buffer.left(end)).object();
            m_buffer.remove(0, end + 1);
            return true;
        }
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0)
            return false;
        pollfd p{m_fromBrowser, POLLIN, 0};
        if (::poll(&p, 1, int(left)) <= 0)
            return false;
        char chunk[65536];
        const ssize_t n = ::read(m_fromBrowser, chunk, sizeof chunk);
        if (n <= 0)
            return false;
        m_buffer.append(chunk, n);
    }
}

} // namespace e2e
