// CGI children as the bridge starts them (Unix): a process group of their own, nothing of ours
// inherited (descriptors, environment, ignored or blocked signals), the standard streams on
// pipes with flow control, exit codes and signals, and the reaper that stops whole groups.
#include "handlers/cgi/childprocess.h"
#include "handlers/cgi/childreaper.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace afcgi;

namespace {

constexpr int kWaitMs = 10000;

QByteArray procFile(qint64 pid, const char *name)
{
    QFile file(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(name)));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Field `index` (1-based, as proc(5) numbers them) of /proc/<pid>/stat.
QByteArray statField(qint64 pid, int index)
{
    const QByteArray stat = procFile(pid, "stat");
    const qsizetype close = stat.lastIndexOf(')'); // the command name may hold spaces
    if (close < 0)
        return {};
    const QList<QByteArray> rest = stat.mid(close + 2).split(' '); // from field 3 on
    return rest.value(index - 3);
}

// Alive: in /proc and not a zombie.
bool isAlive(qint64 pid)
{
    const QByteArray state = statField(pid, 3);
    return !state.isEmpty() && state != "Z" && state != "X";
}

QList<qint64> groupMembers(qint64 pgid)
{
    QList<qint64> members;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (ok && statField(pid, 5).toLongLong() == pgid && isAlive(pid))
            members.append(pid);
    }
    return members;
}

quint64 hexMask(const QByteArray &status, const char *field)
{
    for (const QByteArray &line : status.split('\n')) {
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().toULongLong(nullptr, 16);
    }
    return ~quint64(0);
}

} // namespace

class tst_ChildProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void initTestCase();
    void inheritsNothingOfOurs();
    void stdinToStdoutWithBackpressure();
    void exitCodeAndSignal_data();
    void exitCodeAndSignal();
    void startFailures_data();
    void startFailures();
    void workingDirectory();
    void destroyingKillsTheWholeGroup();
    void reaperTerminatesThenKills();
    void reaperWaitsForAChildThatAnswered();
    void reaperDestructorKillsWhatIsLeft();

private:
    QString script(const QString &name, const QByteArray &body, bool executable = true);
    std::unique_ptr<ChildProcess> start(const QString &program, QList<QByteArray> environment = {});
    QTemporaryDir m_dir;
};

void tst_ChildProcess::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_ChildProcess::initTestCase()
{
    QVERIFY(ChildProcess::isSupported());
    QVERIFY(m_dir.isValid());
}

QString tst_ChildProcess::script(const QString &name, const QByteArray &body, bool executable)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(body) != body.size())
        return {};
    file.close();
    QFile::Permissions permissions = QFile::ReadOwner | QFile::WriteOwner;
    if (executable)
        permissions |= QFile::ExeOwner;
    file.setPermissions(permissions);
    return path;
}

std::unique_ptr<ChildProcess> tst_ChildProcess::start(const QString &program, QList<QByteArray> environment)
{
    ChildSpec spec;
    spec.program = QFile::encodeName(program);
    spec.environment = std::move(environment);
    QString error;
    auto child = ChildProcess::start(spec, &error);
    if (!child)
        qWarning("cannot start %s: %s", qPrintable(program), qPrintable(error));
    return child;
}

void tst_ChildProcess::inheritsNothingOfOurs()
{
    // Descriptors without close-on-exec, an ignored and a blocked signal: none may reach it.
    const int leakyFile = ::open("/dev/null", O_RDONLY);
    int leakyPair[2];
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, leakyPair), 0);
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGHUP, SIG_IGN);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &blocked, nullptr);
    qputenv("AFCGI_TEST_SECRET", "mine");

    auto child = start(QStringLiteral("/bin/cat"), {"ONLY=this"});
    pthread_sigmask(SIG_UNBLOCK, &blocked, nullptr);
    std::signal(SIGHUP, SIG_DFL);
    QVERIFY(child);
    const qint64 pid = child->pid();

    QCOMPARE(statField(pid, 5).toLongLong(), pid); // its own process group, which it leads
    // Once cat waits for input, its start-up (the loader opening libraries) is over.
    QTRY_VERIFY_WITH_TIMEOUT(procFile(pid, "wchan").contains("pipe_read"), kWaitMs);
    const QStringList fds = QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::AllEntries);
    QCOMPARE(fds, (QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2")}));
    for (const QString &fd : fds) {
        const QString target = QFile::symLinkTarget(QStringLiteral("/proc/%1/fd/%2").arg(pid).arg(fd));
        QVERIFY2(target.contains(QLatin1String("pipe:")), qPrintable(target));
    }
    QCOMPARE(procFile(pid, "environ"), QByteArray("ONLY=this", 10));
    const QByteArray status = procFile(pid, "status");
    QCOMPARE(hexMask(status, "SigBlk:"), quint64(0));
    const quint64 ignored = hexMask(status, "SigIgn:");
    QCOMPARE(ignored & (quint64(1) << (SIGPIPE - 1)), quint64(0));
    QCOMPARE(ignored & (quint64(1) << (SIGHUP - 1)), quint64(0));

    child->closeStdin(); // cat sees the end of its input and exits
    QSignalSpy exited(child.get(), &ChildProcess::exited);
    QVERIFY(exited.wait(kWaitMs));
    QCOMPARE(child->exitStatus()->code, 0);
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid))); // reaped: not even a zombie
    ::close(leakyFile);
    ::close(leakyPair[0]);
    ::close(leakyPair[1]);
}

void tst_ChildProcess::stdinToStdoutWithBackpressure()
{
    auto child = start(QStringLiteral("/bin/cat"));
    QVERIFY(child);
    QByteArray input(4 * 1024 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < input.size(); ++i)
        input[i] = char('a' + (i * 7) % 26);
    qsizetype sent = 0;
    QByteArray output;
    bool sawFullPipe = false;
    const auto pump = [&] {
        while (sent < input.size()) {
            const qint64 n = child->writeStdin(QByteArrayView(input).sliced(sent));
            QVERIFY(n >= 0);
            if (n == 0) {
                sawFullPipe = true;
                break;
            }
            sent += n;
        }
        if (sent == input.size())
            child->closeStdin();
    };
    // Output is read only after a pause, so cat fills its stdout pipe and stops reading stdin.
    connect(child.get(), &ChildProcess::stdinWritable, this, pump);
    pump();
    QVERIFY(sawFullPipe);
    connect(child.get(), &ChildProcess::stdoutReady, this, [&] {
        for (QByteArray chunk; !(chunk = child->readStdout(65536)).isEmpty();)
            output += chunk;
    });
    QVERIFY(QTest::qWaitFor([&] { return !child->isStdoutOpen(); }, kWaitMs));
    QCOMPARE(output.size(), input.size());
    QVERIFY(output == input);
    QVERIFY(QTest::qWaitFor([&] { return child->exitStatus().has_value(); }, kWaitMs));
}

void tst_ChildProcess::exitCodeAndSignal_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("signal");
    QTest::newRow("exit-0") << QByteArray("#!/bin/sh\nexit 0\n") << 0 << 0;
    QTest::newRow("exit-3") << QByteArray("#!/bin/sh\nexit 3\n") << 3 << 0;
    QTest::newRow("sigkill") << QByteArray("#!/bin/sh\nkill -KILL $$\n") << 0 << int(SIGKILL);
    QTest::newRow("sigusr1") << QByteArray("#!/bin/sh\nkill -USR1 $$\n") << 0 << int(SIGUSR1);
    // SIGPIPE is back at its default: `yes` dies of it quietly once `head` has gone. Were it
    // still ignored (as in afcgid), yes would complain of a broken pipe on stderr.
    QTest::newRow("sigpipe-default") << QByteArray("#!/bin/sh\nyes 2>\"$0.err\" | head -n 1 >/dev/null\n"
                                                   "[ -s \"$0.err\" ] && exit 1\nexit 0\n") << 0 << 0;
}

void tst_ChildProcess::exitCodeAndSignal()
{
    QFETCH(QByteArray, body);
    QFETCH(int, code);
    QFETCH(int, signal);
    auto child = start(script(QStringLiteral("exit.sh"), body));
    QVERIFY(child);
    QSignalSpy exited(child.get(), &ChildProcess::exited);
    QVERIFY(exited.wait(kWaitMs));
    QCOMPARE(child->exitStatus()->signal, signal);
    if (signal == 0)
        QCOMPARE(child->exitStatus()->code, code);
}

void tst_ChildProcess::startFailures_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("reason");
    QTest::newRow("no-such-file") << QStringLiteral("/nonexistent/program") << QStringLiteral("No such file");
    QTest::newRow("missing-interpreter") << QStringLiteral("interp") << QStringLiteral("No such file");
    QTest::newRow("not-executable") << QStringLiteral("noexec") << QStringLiteral("Permission denied");
    QTest::newRow("no-shebang") << QStringLiteral("noshebang") << QStringLiteral("Exec format error");
}

void tst_ChildProcess::startFailures()
{
    QFETCH(QString, program);
    QFETCH(QString, reason);
    if (program == QLatin1String("interp"))
        program = script(QStringLiteral("interp.sh"), "#!/nonexistent/interpreter\n");
    else if (program == QLatin1String("noexec"))
        program = script(QStringLiteral("noexec.sh"), "#!/bin/sh\n", false);
    else if (program == QLatin1String("noshebang"))
        program = script(QStringLiteral("noshebang.sh"), "\x7f" "ELFgarbage");
    ChildSpec spec;
    spec.program = QFile::encodeName(program);
    QString error;
    QVERIFY(!ChildProcess::start(spec, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_ChildProcess::workingDirectory()
{
    ChildSpec spec;
    spec.program = QFile::encodeName(script(QStringLiteral("pwd.sh"), "#!/bin/sh\npwd\n"));
    spec.workingDirectory = QFile::encodeName(QDir::rootPath());
    QString error;
    auto child = ChildProcess::start(spec, &error);
    QVERIFY2(child, qPrintable(error));
    QByteArray output;
    connect(child.get(), &ChildProcess::stdoutReady, this, [&] { output += child->readStdout(4096); });
    QVERIFY(QTest::qWaitFor([&] { return !child->isStdoutOpen(); }, kWaitMs));
    QCOMPARE(output, QByteArray("/\n"));
}

void tst_ChildProcess::destroyingKillsTheWholeGroup()
{
    // A program that started another and waits for it, ignoring SIGTERM as well.
    auto child = start(script(QStringLiteral("tree.sh"), "#!/bin/sh\ntrap '' TERM\nsleep 600 &\necho started\nwait\n"));
    QVERIFY(child);
    const qint64 pid = child->pid();
    QVERIFY(QTest::qWaitFor([&] { return !child->readStdout(64).isEmpty(); }, kWaitMs));
    QCOMPARE(groupMembers(pid).size(), 2);
    child.reset(); // SIGKILL to the group, the child reaped
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
    QTRY_VERIFY_WITH_TIMEOUT(groupMembers(pid).isEmpty(), kWaitMs);
}

void tst_ChildProcess::reaperTerminatesThenKills()
{
    ChildReaper reaper(300);
    // The first ends on SIGTERM; the second ignores it and needs the SIGKILL after the grace.
    auto polite = start(script(QStringLiteral("polite.sh"), "#!/bin/sh\nsleep 600 &\necho started\nwait\n"));
    auto stubborn = start(script(QStringLiteral("stubborn.sh"), "#!/bin/sh\ntrap '' TERM\nsleep 600 &\necho started\nwait\n"));
    QVERIFY(polite && stubborn);
    for (ChildProcess *child : {polite.get(), stubborn.get()})
        QVERIFY(QTest::qWaitFor([child] { return !child->readStdout(64).isEmpty(); }, kWaitMs));
    const qint64 politePid = polite->pid();
    const qint64 stubbornPid = stubborn->pid();
    int gone = 0;
    QElapsedTimer sinceTerm;
    sinceTerm.start();
    qint64 politeGoneMs = -1;
    reaper.adopt(polite->release(), ChildReaper::Finish::Terminate, [&] { ++gone; politeGoneMs = sinceTerm.elapsed(); });
    reaper.adopt(stubborn->release(), ChildReaper::Finish::Terminate, [&] { ++gone; });
    polite.reset(); // released: destroying it does nothing to the child
    stubborn.reset();
    QTRY_COMPARE_WITH_TIMEOUT(gone, 2, kWaitMs);
    QVERIFY2(politeGoneMs < 300, qPrintable(QString::number(politeGoneMs))); // no grace needed
    QVERIFY(sinceTerm.elapsed() >= 300); // the stubborn one waited for the SIGKILL
    QCOMPARE(reaper.pending(), 0);
    for (qint64 pid : {politePid, stubbornPid}) {
        QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid))); // reaped
        QTRY_VERIFY_WITH_TIMEOUT(groupMembers(pid).isEmpty(), kWaitMs);
    }
}

void tst_ChildProcess::reaperWaitsForAChildThatAnswered()
{
    ChildReaper reaper(100);
    auto child = start(QStringLiteral("/bin/cat"));
    QVERIFY(child);
    const qint64 pid = child->pid();
    bool gone = false;
    reaper.adopt(child->release(), ChildReaper::Finish::Wait, [&] { gone = true; });
    child.reset(); // closes its stdin: cat ends by itself
    QTRY_VERIFY_WITH_TIMEOUT(gone, kWaitMs);
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
}

void tst_ChildProcess::reaperDestructorKillsWhatIsLeft()
{
    qint64 pid = 0;
    bool gone = false;
    {
        ChildReaper reaper(60000);
        auto child = start(script(QStringLiteral("stubborn2.sh"), "#!/bin/sh\ntrap '' TERM\nsleep 600 &\nwait\n"));
        QVERIFY(child);
        pid = child->pid();
        reaper.adopt(child->release(), ChildReaper::Finish::Terminate, [&] { gone = true; });
    } // long before the grace is over
    QVERIFY(gone);
    QVERIFY(!QFile::exists(QStringLiteral("/proc/%1").arg(pid)));
    QTRY_VERIFY_WITH_TIMEOUT(groupMembers(pid).isEmpty(), kWaitMs);
}

QTEST_GUILESS_MAIN(tst_ChildProcess)
#include "tst_childprocess.moc"
