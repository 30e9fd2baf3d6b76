// afcgi-soak: parse the command line, run the soak, print the report; exit 1 on any wrong
// answer or on RSS growth past the tolerance.
#include "platform.h"
#include "soakoptions.h"
#include "soakreport.h"
#include "soakrun.h"

#include <QCoreApplication>

#include <cstdio>

using namespace afcgi::bench;

int main(int argc, char *argv[])
{
    tuneAllocator();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("afcgi-soak"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));

    QString error;
    bool exitNow = false;
    const auto options = parseSoakOptions(QCoreApplication::arguments(), &error, &exitNow);
    if (exitNow)
        return 0;
    if (!options) {
        std::fprintf(stderr, "afcgi-soak: %s\nTry 'afcgi-soak --help'.\n", qPrintable(error));
        return 2;
    }

    int exitCode = 0;
    SoakRun run(*options);
    QObject::connect(&run, &SoakRun::finished, &app, [&] {
        const SoakReport report(*options);
        if (!options->jsonOnly)
            std::fputs(qPrintable(report.text(run.result())), stdout);
        std::printf("%s\n", report.json(run.result()).constData());
        std::fflush(stdout);
        exitCode = run.result().ok ? 0 : 1;
        QCoreApplication::exit(exitCode);
    });
    run.start();
    app.exec();
    return exitCode;
}
