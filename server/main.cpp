// afcgid: parse the command line, start the service, run until SIGTERM/SIGINT has drained it.
#include <afcgi/service.h>

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    afcgi::Service::tuneProcess(); // before QCoreApplication and any thread
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("afcgid"));
    QCoreApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));

    afcgi::Service service(QCoreApplication::arguments());
    if (!service.isValid()) {
        std::fprintf(stderr, "afcgid: %s\nTry 'afcgid --help'.\n", qPrintable(service.errorString()));
        return 2;
    }
    if (service.helpRequested()) {
        std::fputs(qPrintable(service.helpText()), stdout);
        return 0;
    }
    if (service.versionRequested()) {
        std::printf("afcgid %s\n", AFCGI_VERSION);
        return 0;
    }
    QObject::connect(&service, &afcgi::Service::finished, &app, [] { QCoreApplication::exit(0); });
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "afcgid: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
