// notes-server: the notes service as a program of its own, linked against libafcgi. It takes
// afcgid's options (--listen, --threads, --config, ...) and --notes-file FILE.
#include "noteshandler.h"

#include <afcgi/router.h>
#include <afcgi/service.h>

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    afcgi::Service::tuneProcess();
    QCoreApplication app(argc, argv);

    // Our own option, taken out before the rest goes to afcgi::Service.
    QStringList arguments = app.arguments();
    QString notesFile;
    const qsizetype at = arguments.indexOf(QStringLiteral("--notes-file"));
    if (at > 0 && at + 1 < arguments.size()) {
        notesFile = arguments.at(at + 1);
        arguments.remove(at, 2);
    }

    afcgi::Service service(arguments);
    if (!service.isValid()) {
        std::fprintf(stderr, "notes-server: %s\n", qPrintable(service.errorString()));
        return 2;
    }
    auto store = std::make_shared<NotesStore>();
    QString error;
    if (!store->open(notesFile, &error)) {
        std::fprintf(stderr, "notes-server: %s\n", qPrintable(error));
        return 2;
    }
    const QString prefix = QStringLiteral("/notes");
    service.router().mount(prefix, std::make_shared<NotesHandler>(prefix, store));
    QObject::connect(&service, &afcgi::Service::finished, &app, &QCoreApplication::quit);
    if (!service.start(&error)) {
        std::fprintf(stderr, "notes-server: %s\n", qPrintable(error));
        return 1;
    }
    return app.exec();
}
