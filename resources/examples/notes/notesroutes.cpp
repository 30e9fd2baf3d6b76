#include "notesroutes.h"

#include <afcgi/async.h>
#include <afcgi/cookies.h>
#include <afcgi/files.h>
#include <afcgi/form.h>
#include <afcgi/json.h>
#include <afcgi/multipart.h>
#include <afcgi/request.h>
#include <afcgi/response.h>

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>

#include <stdexcept>

namespace {

qint64 idOf(const afcgi::Request *request)
{
    return request->pathParam(u"id").toLongLong();
}

QByteArray sha256Of(const QString &path) // runs on the thread pool: it reads the whole file
{
    QFile file(path);
    QCryptographicHash sha(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !sha.addData(&file))
        throw std::runtime_error("cannot read the upload"); // a 500, with the request id logged
    return sha.result().toHex();
}

void addCrudRoutes(afcgi::Router &router, const std::shared_ptr<NotesStore> &store)
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
}

void addAttachmentRoutes(afcgi::Router &router, const std::shared_ptr<NotesStore> &store,
                         const NotesOptions &notesOptions)
{
    router.post(QStringLiteral("/{id:int}/attachment"), [store](afcgi::Request *r) {
        if (!store->find(idOf(r)))
            return afcgi::respondError(r, 404, "no such note");
        afcgi::MultipartOptions options;
        options.maxFileBytes = 64 * 1024 * 1024;
        options.tempDirectory = store->directory(); // the same file system: kept by a rename
        afcgi::readMultipart(r, [store](afcgi::Request *r, const afcgi::MultipartForm &form) {
            if (form.files.size() != 1)
                return afcgi::respondError(r, 400, "one file, please");
            const afcgi::UploadedFile &upload = form.files.first();
            afcgi::runAsync( // hashing 20 MB is work for the pool, not for the worker thread
                r, [path = upload.file->fileName()] { return sha256Of(path); },
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
    router.get(QStringLiteral("/{id:int}/attachment"), [store, notesOptions](afcgi::Request *r) {
        const auto note = store->find(idOf(r));
        if (!note || !note->contains(QLatin1String("attachment")))
            return afcgi::respondError(r, 404, "no attachment");
        const auto query = afcgi::readQuery(r);
        if (!query)
            return; // answered: 400 with the reason
        afcgi::SendFileOptions options;
        options.delivery = query->contains(u"direct") ? afcgi::FileDelivery::Direct : afcgi::FileDelivery::AccelRedirect;
        options.accelRoot = store->directory();
        options.accelPrefix = notesOptions.accelPrefix;
        options.downloadName = note->value(QLatin1String("attachment")).toObject().value(QLatin1String("name")).toString();
        afcgi::sendFile(r, store->attachmentPath(idOf(r)), options);
    });
}

void addPreferenceRoutes(afcgi::Router &router)
{
    router.get(QStringLiteral("/prefs"), [](afcgi::Request *r) {
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
}

} // namespace

void addNotesRoutes(afcgi::Router &router, std::shared_ptr<NotesStore> store, NotesOptions options)
{
    router.before([](afcgi::Request *r) { r->setHeader("X-Request-Id", QByteArray::number(r->id())); });
    addCrudRoutes(router, store);
    addAttachmentRoutes(router, store, options);
    addPreferenceRoutes(router);
}
