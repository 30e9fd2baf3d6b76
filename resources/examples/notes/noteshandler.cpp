#include "noteshandler.h"

#include <afcgi/request.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QObject>

namespace {

constexpr qint64 kMaxBodyBytes = 64 * 1024;

void respondJson(afcgi::Request *request, int status, const QJsonDocument &document)
{
    request->respond(status, "application/json", document.toJson(QJsonDocument::Compact) + '\n');
}

void respondError(afcgi::Request *request, int status, const QString &message)
{
    respondJson(request, status, QJsonDocument(QJsonObject{{QStringLiteral("error"), message}}));
}

} // namespace

NotesHandler::NotesHandler(QString prefix, std::shared_ptr<NotesStore> store)
    : m_prefix(std::move(prefix)), m_store(std::move(store))
{
}

void NotesHandler::handle(afcgi::Request *request)
{
    const QString rest = request->path().mid(m_prefix == QLatin1String("/") ? 0 : m_prefix.size());
    const QByteArray method = request->method();
    if (rest.isEmpty() || rest == QLatin1String("/")) {
        if (method == "GET") {
            QJsonArray notes;
            for (const QJsonObject &note : m_store->all())
                notes.append(note);
            return respondJson(request, 200, QJsonDocument(notes));
        }
        if (method == "POST")
            return create(request);
        request->setHeader("Allow", "GET, POST");
        return respondError(request, 405, QStringLiteral("use GET or POST"));
    }
    bool ok = false;
    const qint64 id = rest.mid(1).toLongLong(&ok);
    if (!ok)
        return respondError(request, 404, QStringLiteral("no such note"));
    if (method == "GET") {
        const auto note = m_store->find(id);
        return note ? respondJson(request, 200, QJsonDocument(*note))
                    : respondError(request, 404, QStringLiteral("no such note"));
    }
    if (method == "DELETE") {
        if (!m_store->remove(id))
            return respondError(request, 404, QStringLiteral("no such note"));
        request->setStatus(204);
        return request->end();
    }
    request->setHeader("Allow", "GET, DELETE");
    respondError(request, 405, QStringLiteral("use GET or DELETE"));
}

// The body may still be arriving: answer once it is all there (never block a worker waiting).
void NotesHandler::create(afcgi::Request *request)
{
    const auto finish = [this, request] {
        if (request->isEnded())
            return;
        if (request->inputReceived() > kMaxBodyBytes)
            return respondError(request, 413, QStringLiteral("a note is 64 KiB at most"));
        if (!request->isInputFinished())
            return; // more to come
        const QJsonObject body = QJsonDocument::fromJson(request->readInput()).object();
        const QJsonValue text = body.value(QLatin1String("text"));
        if (!text.isString())
            return respondError(request, 400, QStringLiteral("expected {\"text\": \"...\"}"));
        respondJson(request, 201, QJsonDocument(m_store->add(text.toString())));
    };
    QObject::connect(request, &afcgi::Request::inputReady, request, finish);
    QObject::connect(request, &afcgi::Request::inputEnded, request, finish);
    finish();
}
