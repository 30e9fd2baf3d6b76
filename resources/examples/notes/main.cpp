// notes-server: the notes service as a program of its own, linked against libafcgi. It takes
// afcgid's options (--listen, --threads, --config, ...) and two of its own:
//   --notes-dir DIR        where the notes and their attachments are kept (default: ./notes)
//   --accel-prefix PATH    the front end's internal location for DIR (default: /protected/)
#include "notesroutes.h"

#include <afcgi/service.h>

#include <QCoreApplication>
#include <QDir>

#include <cstdio>

namespace {

// Takes `--name VALUE` out of `arguments` (the rest goes to afcgi::Service); `fallback` without it.
QString takeOption(QStringList &arguments, const QString &name, const QString &fallback)
{
    const qsizetype at = arguments.indexOf(name);
    if (at <= 0 || at + 1 >= arguments.size())
        return fallback;
    const QString value = arguments.at(at + 1);
    arguments.remove(at, 2);
    return value;
}

int fail(const QString &message, int exitCode)
{
    std::fprintf(stderr, "notes-server: %s\n", qPrintable(message));
    return exitCode;
}

} // namespace

int main(int argc, char *argv[])
{
    afcgi::Service::tuneProcess();
    QCoreApplication app(argc, argv);
    QStringList arguments = app.arguments();
    const QString directory = takeOption(arguments, QStringLiteral("--notes-dir"), QDir::current().filePath(QStringLiteral("notes")));
    NotesOptions options;
    options.accelPrefix = takeOption(arguments, QStringLiteral("--accel-prefix"), QStringLiteral("/protected/")).toUtf8();

    afcgi::Service service(arguments);
    if (!service.isValid())
        return fail(service.errorString(), 2);
    auto store = std::make_shared<NotesStore>();
    QString error;
    if (!store->open(directory, &error))
        return fail(error, 2);
    auto notes = std::make_shared<afcgi::Router>();
    addNotesRoutes(*notes, store, options);
    service.router().mount(QStringLiteral("/notes"), notes);
    QObject::connect(&service, &afcgi::Service::finished, &app, &QCoreApplication::quit);
    if (!service.start(&error))
        return fail(error, 1);
    return app.exec();
}
