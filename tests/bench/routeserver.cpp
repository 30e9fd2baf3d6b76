// afcgid with 200 more routes (routetable.h) beside its built-in handlers: compare.sh runs it
// with AFCGID=.../afcgi-routeserver to measure what a large route table costs /hello.
#include <afcgi/service.h>

#include "routetable.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    afcgi::Service::tuneProcess();
    QCoreApplication app(argc, argv);
    afcgi::Service service(QCoreApplication::arguments());
    if (!service.isValid()) {
        std::fprintf(stderr, "afcgi-routeserver: %s\n", qPrintable(service.errorString()));
        return 2;
    }
    addBenchRoutes(service.router());
    QObject::connect(&service, &afcgi::Service::finished, &app, [] { QCoreApplication::exit(0); });
    QString error;
    if (!service.start(&error)) {
        std::fprintf(stderr, "afcgi-routeserver: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
