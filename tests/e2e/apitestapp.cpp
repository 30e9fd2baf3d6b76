// The application tst_e2e_api runs behind nginx: a notes service written against the public
// API only (<afcgi/...>), the way an application links libafcgi. JSON CRUD under /notes, an
// attachment uploaded as multipart/form-data and downloaded through X-Accel-Redirect (or sent
// directly with ?direct=1), a cookie under /prefs, and middleware that tags every response.
// Its data directory is $AFCGI_NOTES_DIR; nginx serves it as the internal location /protected/.

#include <afcgi/async.h>
#include <afcgi/cookies.h>
#include <afcgi/files.h>
#include <afcgi/form.h>
#include <afcgi/json.h>
#include <afcgi/multipart.h>
#include <afcgi/request.h>
#include <afcgi/response.h>
#include <afcgi/router.h>
#include <afcgi/service.h>

#include "notestore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>

namespace {

qint64 idOf(const afcgi::Request *request)
{
    return request->pathParam(u"id").toLongLong();
}

void mountNotes(afcgi::Router &router, const std::shared_ptr<NoteStore> &store)
{
    router.get(QStringLiteral("/"), [store](afcgi::Request *r) {
        QJsonArray notes;
        for (const QJsonObject &note : store->all())
            notes.append(note);
        afcgi::respondJson(r, 200, notes);
    });
    router.post(QStringLiteral("/"), [store](afcgi::Request *r) {
        afcgi::readJson(r, [store](afcgi::Request *r, const QJsonDocument &doc) {
            if (!doc.isObject() || !doc.object().value(QLatin1String("title")).isString())
                return afcgi::respondError(r, 400, "a note needs a title");
            afcgi::respondJson(r, 201, store->create(doc.object()));
        });
    });
    router.get(QStringLiteral("/{id:int}"), [store](afcgi::Request *r) {
        const auto note = store->find(idOf(r));
        note ? afcgi::respondJson(r, 200, *note) : afcgi::respondError(r, 404, "no such note");
    });
    router.put(QStringLiteral("/{id:int}"), [store](afcgi::Request *r) {
        afcgi::readJson(r, [store](afcgi::Request *r, const QJsonDocument &doc) {
            if (!store->update(idOf(r), doc.object()))
                return afcgi::respondError(r, 404, "no such note");
            afcgi::respondJson(r, 200, *store->find(idOf(r)));
        });
    });
    router.del(QStringLiteral("/{id:int}"), [store](afcgi::Request *r) {
        store->remove(idOf(r)) ? r->respond(204, {}, {}) : afcgi::respondError(r, 404, "no such note");
    });
    router.post(QStringLiteral("/{id:int}/attachment"), [store](afcgi::Request *r) {
        if (!store->find(idOf(r)))
            return afcgi::respondError(r, 404, "no such note");
        afcgi::MultipartOptions options;
        options.maxFileBytes = 64 * 1024 * 1024;
        options.tempDirectory = store->directory(); // the same file system: rename, no copy
        afcgi::readMultipart(r, [store](afcgi::Request *r, const afcgi::MultipartForm &form) {
            if (form.files.size() != 1)
                return afcgi::respondError(r, 400, "one file, please");
            const afcgi::UploadedFile &upload = form.files.first();
            // Hashing 20 MB is work for the pool, not for the worker thread.
            const QString path = upload.file->fileName();
            afcgi::runAsync(
                r,
                [path] {
                    QFile file(path);
                    QCryptographicHash sha(QCryptographicHash::Sha256);
                    if (!file.open(QIODevice::ReadOnly) || !sha.addData(&file))
                        throw std::runtime_error("cannot read the upload");
                    return sha.result().toHex();
                },
                [store, upload, caption = form.fields.value(u"caption")](afcgi::Request *r, const QByteArray &sha) {
                    const QString destination = store->attachmentPath(idOf(r));
                    QFile::remove(destination);
                    upload.file->setAutoRemove(false);
                    if (!upload.file->rename(destination))
                        return afcgi::respondError(r, 500, "cannot keep the upload");
                    store->attach(idOf(r), upload.fileName, upload.size);
                    afcgi::respondJson(r, 201, QJsonObject{{QStringLiteral("size"), upload.size},
                                                           {QStringLiteral("sha256"), QString::fromLatin1(sha)},
                                                           {QStringLiteral("caption"), caption}});
                });
        }, options);
    });
    router.get(QStringLiteral("/{id:int}/attachment"), [store](afcgi::Request *r) {
        const auto note = store->find(idOf(r));
        if (!note || !note->contains(QLatin1String("attachment")))
            return afcgi::respondError(r, 404, "no attachment");
        const auto query = afcgi::readQuery(r);
        if (!query)
            return;
        afcgi::SendFileOptions options;
        options.delivery = query->contains(u"direct") ? afcgi::FileDelivery::Direct : afcgi::FileDelivery::AccelRedirect;
        options.accelRoot = store->directory();
        options.accelPrefix = "/protected/";
        options.downloadName = note->value(QLatin1String("attachment")).toObject().value(QLatin1String("name")).toString();
        afcgi::sendFile(r, store->attachmentPath(idOf(r)), options);
    });
}

} // namespace

int main(int argc, char *argv[])
{
    afcgi::Service::tuneProcess();
    QCoreApplication app(argc, argv);
    afcgi::Service service(app.arguments());
    if (!service.isValid()) {
        qCritical("%s", qPrintable(service.errorString()));
        return 2;
    }
    const QString directory = qEnvironmentVariable("AFCGI_NOTES_DIR");
    if (directory.isEmpty()) {
        qCritical("AFCGI_NOTES_DIR is not set");
        return 2;
    }
    auto store = std::make_shared<NoteStore>(directory);
    auto notes = std::make_shared<afcgi::Router>();
    mountNotes(*notes, store);

    afcgi::Router &root = service.router();
    root.before([](afcgi::Request *r) { r->setHeader("X-Request-Id", QByteArray::number(r->id())); });
    root.mount(QStringLiteral("/notes"), notes);
    root.get(QStringLiteral("/prefs"), [](afcgi::Request *r) {
        const auto query = afcgi::readQuery(r);
        if (!query)
            return;
        afcgi::Cookie theme;
        theme.name = "theme";
        theme.value = query->value(u"theme", QStringLiteral("light")).toLatin1();
        theme.path = "/";
        theme.maxAge = 3600;
        theme.httpOnly = true;
        theme.sameSite = afcgi::SameSite::Lax;
        if (!afcgi::setCookie(r, theme))
            return afcgi::respondError(r, 400, "bad theme");
        r->respond(200, "text/plain", "was " + afcgi::requestCookie(r, "theme").value_or("unset") + '\n');
    });
    QObject::connect(&service, &afcgi::Service::finished, &app, &QCoreApplication::quit);
    return service.start() ? app.exec() : 1;
}
