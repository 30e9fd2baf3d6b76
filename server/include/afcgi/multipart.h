#pragma once
// multipart/form-data request bodies: HTML forms with file uploads.

#include <afcgi/afcgi_global.h>
#include <afcgi/form.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QTemporaryFile>

#include <functional>
#include <memory>

namespace afcgi {

class Request;

/// How much a multipart body may hold. The server's own body limit (`--max-body-bytes`)
/// applies to the whole body as well.
struct MultipartOptions
{
    qint64 maxFileBytes = 64 * 1024 * 1024; ///< one file part, spooled to a temporary file
    qint64 maxFieldBytes = 64 * 1024;       ///< one field (a part without a filename), in memory
    qint64 maxFieldsBytes = 1024 * 1024;    ///< all the fields together, in memory
    int maxParts = 1000;                    ///< parts in the body, fields and files together
    QString tempDirectory; ///< where file parts are spooled; empty: QDir::tempPath()
};

/// A file that came in a multipart body, spooled to a temporary file as it arrived. The file is
/// removed when the last copy of its UploadedFile goes, unless it has been moved away:
///
///     upload.file->setAutoRemove(false);
///     upload.file->rename(destination); // same file system: no copy
struct UploadedFile
{
    QString name;           ///< the form field's name
    QString fileName;       ///< as the client sent it: never use it as a path unchecked
    QByteArray contentType; ///< as the client sent it; application/octet-stream when absent
    qint64 size = 0;        ///< bytes
    std::shared_ptr<QTemporaryFile> file; ///< closed, complete; open() it to read
};

/// A parsed multipart/form-data body: its fields (the parts without a filename) and its files.
struct MultipartForm
{
    Form fields;               ///< the parts without a filename, in order
    QList<UploadedFile> files; ///< the file parts, in order (a file input left empty is left out)
};

/// Reads a `multipart/form-data` body as it streams in: fields are kept in memory, each file
/// part is written to a temporary file as its bytes arrive, so memory stays small whatever the
/// size of the upload. Then calls `done(request, form)` on the request's thread. Answers by
/// itself, and never calls `done`, when the body is not multipart/form-data or has no
/// boundary (`400`), is malformed or ends before its closing boundary (`400`, with a short
/// reason), or goes over a limit of `options` (`413`). An exception from `done` becomes a `500`.
AFCGI_EXPORT void readMultipart(Request *request, std::function<void(Request *, const MultipartForm &)> done,
                                const MultipartOptions &options = {});

} // namespace afcgi
