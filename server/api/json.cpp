#include <afcgi/json.h>

#include <afcgi/request.h>
#include <afcgi/response.h>

#include "api/bodyreader.h"

namespace afcgi {

namespace {
class JsonReader final : public BodyReader
{
public:
    JsonReader(Request *request, std::function<void(Request *, const QJsonDocument &)> done, qint64 maxBytes)
        : BodyReader(request), m_done(std::move(done)), m_maxBytes(maxBytes)
    {
    }

protected:
    void consume(QByteArrayView bytes) override
    {
        if (m_body.size() + bytes.size() > m_maxBytes)
            return fail(413, "JSON body too large");
        m_body.append(bytes.data(), bytes.size());
    }

    void finish() override
    {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(m_body, &error);
        m_body = QByteArray();
        if (error.error != QJsonParseError::NoError) {
            return fail(400, QStringLiteral("malformed JSON: %1 at offset %2")
                                 .arg(error.errorString())
                                 .arg(error.offset)
                                 .toUtf8());
        }
        m_done(request(), document);
    }

private:
    std::function<void(Request *, const QJsonDocument &)> m_done;
    qint64 m_maxBytes;
    QByteArray m_body;
};
} // namespace

void readJson(Request *request, std::function<void(Request *, const QJsonDocument &)> done, qint64 maxBytes)
{
    if (!hasContentType(request, "application/json", "+json")) {
        respondError(request, 400, "expected Content-Type: application/json");
        return;
    }
    auto *reader = new JsonReader(request, std::move(done), maxBytes);
    reader->start();
}

void respondJson(Request *request, int status, const QJsonDocument &document)
{
    request->respond(status, "application/json", document.toJson(QJsonDocument::Compact));
}

void respondJson(Request *request, int status, const QJsonObject &object)
{
    respondJson(request, status, QJsonDocument(object));
}

void respondJson(Request *request, int status, const QJsonArray &array)
{
    respondJson(request, status, QJsonDocument(array));
}

} // namespace afcgi
