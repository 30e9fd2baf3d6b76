// afcgi-bench: parse the command line, run a load or a hold, print the report.
#include "benchoptions.h"
#include "benchrun.h"
#include "holdrun.h"
#include "platform.h"
#include "report.h"

#include <QCoreApplication>

#include <cstdio>

using namespace afcgi::bench;

namespace {
int printAndExit(const BenchOptions &options, const BenchResult &result)
{
    const Report report(options);
    if (!options.jsonOnly)
        std::fputs(qPrintable(report.text(result)), stdout);
    std::printf("%s\n", report.json(result).constData());
    std::fflush(stdout);
    return result.ok && result.counters.errors() == 0 ? 0 : 1;
}
} // namespace

int main(int argc, char *argv[])
{
    tuneAllocator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("afcgi-bench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));

    QString error;
    bool exitNow = false;
    const auto options = parseBenchOptions(QCoreApplication::arguments(), &error, &exitNow);
    if (exitNow)
        return 0;
    if (!options) {
        std::fprintf(stderr, "afcgi-bench: %s\nTry 'afcgi-bench --help'.\n", qPrintable(error));
        return 2;
    }

    int exitCode = 0;
    if (options->isHold()) {
        HoldRun run(*options);
        QObject::connect(&run, &HoldRun::inFlight, &run, [&](const QString &message) {
            if (!options->jsonOnly)
                std::printf("afcgi-bench: %s\n", qPrintable(message));
            std::fflush(stdout);
        });
        QObject::connect(&run, &HoldRun::finished, &app, [&] {
            exitCode = printAndExit(*options, run.result());
            QCoreApplication::exit(exitCode);
        });
        run.start();
        app.exec();
    } else {
        BenchRun run(*options);
        QObject::connect(&run, &BenchRun::finished, &app, [&] {
            exitCode = printAndExit(*options, run.result());
            QCoreApplication::exit(exitCode);
        });
        run.start();
        app.exec();
    }
    return exitCode;
}
