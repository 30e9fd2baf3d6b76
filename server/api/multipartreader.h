#pragma once

#include <afcgi/multipart.h>

#include "api/bodyreader.h"
#include "web/multipartparser.h"

namespace afcgi {

// Behind readMultipart(): feeds the body to a MultipartParser as it arrives, keeps fields in
// memory and writes each file part to a temporary file as its bytes come, under the limits of
// MultipartOptions; at the closing boundary, hands the form to `done`.
class MultipartReader final : public BodyReader
{
public:
    using Done = std::function<void(Request *, const MultipartForm &)>;
    MultipartReader(Request *request, QByteArrayView boundary, Done done, const MultipartOptions &options);

protected:
    void consume(QByteArrayView bytes) override;
    void finish() override;

private:
    void drain();
    void beginPart(const QList<QPair<QByteArray, QByteArray>> &headers);
    void partData(const QByteArray &data);
    void endPart();

    Done m_done;
    MultipartOptions m_options;
    MultipartParser m_parser;
    MultipartForm m_form;     // its files so far; the fields go in at the end
    QList<FormField> m_fields;
    bool m_ended = false;    // the closing boundary came
    bool m_skipping = false; // the current part is dropped (an empty file input)
    QString m_name;          // of the current part
    QByteArray m_value;      // of the current field
    qint64 m_fieldsBytes = 0;
    std::optional<UploadedFile> m_upload; // the current file part
};

} // namespace afcgi
