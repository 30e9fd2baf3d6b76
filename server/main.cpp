// afcgid: parse the command line, start the service, run until SIGTERM/SIGINT has drained it.
#include <afcgi/service.h>
#include "service/processtuning.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    afcgi::tuneProcessForServing(); // before QCoreApplication and any thread
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("afcgid"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));

    afcgi::ServerConfigParser parser;
    QString error;
    auto config = parser.parse(QCoreApplication::arguments(), &error);
    if (!config || !afcgi::applyEnvironment(*config, &error)) {
        std::fprintf(stderr, "afcgid: %s\nTry 'afcgid --help'.\n", qPrintable(error));
        return 2;
    }
    if (parser.helpRequested()) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.versionRequested()) {
        std::printf("afcgid %s\n", AFCGI_VERSION);
        return 0;
    }
    afcgi::Service service(*config, QCoreApplication::arguments());
    QObject::connect(&service, &afcgi::Service::finished, &app, [] { QCoreApplication::exit(0); });
    if (!service.start(&error)) {
        std::fprintf(stderr, "afcgid: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
