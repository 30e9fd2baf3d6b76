#pragma once
// JSON request bodies and responses.

#include <afcgi/afcgi_global.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>

namespace afcgi {

class Request;

/// Reads a JSON body as it streams in, then calls `done(request, document)` on the request's
/// thread. Answers by itself, and never calls `done`, when the Content-Type is not JSON
/// (`application/json` or a `+json` type: `400`), the body is not well-formed JSON (`400`,
/// with the parser's reason and offset), or it is larger than `maxBytes` (`413`). An exception
/// from `done` becomes a `500`.
///
///     afcgi::readJson(request, [](afcgi::Request *r, const QJsonDocument &doc) {
///         const QString title = doc.object().value(u"title").toString();
///         ...
///     });
AFCGI_EXPORT void readJson(Request *request, std::function<void(Request *, const QJsonDocument &)> done,
                           qint64 maxBytes = 1024 * 1024);

/// Answers with `document` as compact JSON: status, `Content-Type: application/json`,
/// Content-Length, body, end().
AFCGI_EXPORT void respondJson(Request *request, int status, const QJsonDocument &document);
AFCGI_EXPORT void respondJson(Request *request, int status, const QJsonObject &object); ///< \overload
AFCGI_EXPORT void respondJson(Request *request, int status, const QJsonArray &array);   ///< \overload

} // namespace afcgi
