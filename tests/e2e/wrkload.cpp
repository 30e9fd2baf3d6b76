#include "wrkload.h"

#include "processcontrol.h"
#include "processfixture.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>

namespace e2e {

namespace {
QByteArray field(const QByteArray &line, const char *name)
{
    const QRegularExpression re(QStringLiteral("\\b%1=(\\S*)").arg(QLatin1String(name)));
    return re.match(QString::fromUtf8(line)).captured(1).toUtf8();
}
} // namespace

QByteArray WrkLoadResult::summary() const
{
    if (!ran)
        return "wrk did not run to its end: " + output.right(2000);
    QByteArray text = QByteArray::number(answered) + " answered, " + QByteArray::number(good) + " good";
    for (auto it = statuses.cbegin(); it != statuses.cend(); ++it)
        text += ", " + QByteArray::number(it.value()) + " x HTTP " + QByteArray::number(it.key());
    if (wrongBody)
        text += ", " + QByteArray::number(wrongBody) + " wrong bodies";
    if (socketErrors)
        text += ", " + QByteArray::number(socketErrors) + " socket errors";
    text += " in " + QByteArray::number(elapsedMs) + " ms";
    if (elapsedMs > 0)
        text += " (" + QByteArray::number(answered * 1000 / elapsedMs) + " answers/s)";
    if (!firstProblem.isEmpty())
        text += "; first problem: " + firstProblem;
    return text;
}

QString wrkMissing()
{
    if (!canSendSignals())
        return QStringLiteral("the load tests stop wrk with SIGINT, which this system does not have");
    return ProcessFixture::findTool(QStringLiteral("wrk")).isEmpty()
        ? QStringLiteral("wrk is not installed") : QString();
}

WrkLoadResult runWrkLoad(const QString &url, int connections, qint64 answers,
                         const QByteArray &expectedBody, int timeoutMs)
{
    WrkLoadResult result;
    QProcess wrk;
    QElapsedTimer clock;
    // wrk runs for its -d whatever the script does: it is stopped with SIGINT (after which it
    // prints its summary) as soon as its one thread has had its answers.
    QObject::connect(&wrk, &QProcess::readyReadStandardError, &wrk, [&wrk] {
        if (wrk.readAllStandardError().contains("afcgi-load: quota reached"))
            sendSignal(wrk, Signal::Interrupt);
    });
    clock.start();
    wrk.start(ProcessFixture::findTool(QStringLiteral("wrk")),
              {QStringLiteral("-t1"), QStringLiteral("-c%1").arg(connections),
               QStringLiteral("-d%1s").arg(timeoutMs / 1000), QStringLiteral("-s"),
               QStringLiteral(AFCGI_E2E_DIR "/wrk-check.lua"), url, QStringLiteral("--"),
               QString::number(answers), QString::fromUtf8(expectedBody)});
    // -d bounds wrk; a wrk that hangs past it is killed with the QProcess.
    wrk.waitForFinished(timeoutMs + 10000);
    result.elapsedMs = clock.elapsed();
    result.output = wrk.readAllStandardOutput();
    for (const QByteArray &line : result.output.split('\n')) {
        if (!line.startsWith("afcgi-load "))
            continue;
        result.ran = wrk.exitStatus() == QProcess::NormalExit;
        result.answered = field(line, "answered").toLongLong();
        result.good = field(line, "good").toLongLong();
        result.badStatus = field(line, "bad-status").toLongLong();
        result.wrongBody = field(line, "wrong-body").toLongLong();
        result.socketErrors = field(line, "socket-errors").toLongLong();
        for (const QByteArray &pair : field(line, "statuses").split(',')) {
            const QList<QByteArray> parts = pair.split(':');
            if (parts.size() == 2)
                result.statuses[parts.at(0).toInt()] = parts.at(1).toLongLong();
        }
        const qsizetype first = line.indexOf(" first=");
        if (first >= 0)
            result.firstProblem = line.mid(first + 7);
    }
    return result;
}

} // namespace e2e
