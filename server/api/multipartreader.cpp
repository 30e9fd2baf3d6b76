#include "api/multipartreader.h"

#include <afcgi/request.h>

#include "web/headervalue.h"

#include <QDir>

namespace afcgi {

namespace {
QByteArray header(const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView name)
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}
} // namespace

MultipartReader::MultipartReader(Request *request, QByteArrayView boundary, Done done,
                                 const MultipartOptions &options)
    : BodyReader(request),
      m_done(std::move(done)),
      m_options(options),
      m_parser(boundary, MultipartParser::Limits{16 * 1024, qMax(options.maxParts, 1), 16 * 1024})
{
}

void MultipartReader::consume(QByteArrayView bytes)
{
    m_parser.feed(bytes);
    drain();
}

void MultipartReader::finish()
{
    m_parser.finish();
    drain();
    if (failed())
        return;
    m_upload.reset();
    m_form.fields = Form(std::move(m_fields));
    m_done(request(), m_form);
}

void MultipartReader::drain()
{
    while (!failed()) {
        std::optional<MultipartEvent> event = m_parser.next();
        if (!event)
            break;
        switch (event->kind) {
        case MultipartEvent::Kind::PartBegin: beginPart(event->headers); break;
        case MultipartEvent::Kind::PartData: partData(event->data); break;
        case MultipartEvent::Kind::PartEnd: endPart(); break;
        case MultipartEvent::Kind::End: m_ended = true; break;
        }
    }
    if (failed() || m_parser.error() == MultipartError::None)
        return;
    const MultipartError error = m_parser.error();
    fail(error == MultipartError::TooManyParts ? 413 : 400,
         QByteArrayLiteral("malformed multipart body: ") + toString(error));
}

void MultipartReader::beginPart(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    const std::optional<HeaderValue> disposition = parseHeaderValue(header(headers, "Content-Disposition"));
    if (!disposition || !disposition->is("form-data") || !disposition->hasParam("name"))
        return fail(400, "malformed multipart body: a part without Content-Disposition: form-data; name=...");
    m_name = QString::fromUtf8(disposition->param("name"));
    m_value.clear();
    m_skipping = false;
    if (!disposition->hasParam("filename"))
        return; // a field
    const QByteArray fileName = disposition->param("filename");
    if (fileName.isEmpty()) {
        m_skipping = true; // a file input left empty
        return;
    }
    UploadedFile upload;
    upload.name = m_name;
    upload.fileName = QString::fromUtf8(fileName);
    upload.contentType = header(headers, "Content-Type");
    if (upload.contentType.isEmpty())
        upload.contentType = QByteArrayLiteral("application/octet-stream");
    const QString directory = m_options.tempDirectory.isEmpty() ? QDir::tempPath() : m_options.tempDirectory;
    upload.file = std::make_shared<QTemporaryFile>(directory + QStringLiteral("/afcgi-upload-XXXXXX"));
    if (!upload.file->open())
        return fail(500, "cannot store the upload");
    m_upload = std::move(upload);
}

void MultipartReader::partData(const QByteArray &data)
{
    if (m_skipping)
        return;
    if (m_upload) {
        m_upload->size += data.size();
        if (m_upload->size > m_options.maxFileBytes)
            return fail(413, "file part too large");
        if (m_upload->file->write(data) != data.size())
            return fail(500, "cannot store the upload");
        return;
    }
    m_fieldsBytes += data.size();
    if (m_value.size() + data.size() > m_options.maxFieldBytes || m_fieldsBytes > m_options.maxFieldsBytes)
        return fail(413, "form field too large");
    m_value.append(data);
}

void MultipartReader::endPart()
{
    if (m_skipping)
        return;
    if (m_upload) {
        if (!m_upload->file->flush())
            return fail(500, "cannot store the upload");
        m_upload->file->close();
        m_form.files.append(std::move(*m_upload));
        m_upload.reset();
        return;
    }
    m_fields.append({m_name, QString::fromUtf8(m_value)});
    m_value.clear();
}

} // namespace afcgi
