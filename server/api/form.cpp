#include <afcgi/form.h>

#include <afcgi/request.h>
#include <afcgi/response.h>

#include "api/bodyreader.h"
#include "web/urlencodeddecoder.h"

namespace afcgi {

namespace {
class FormReader final : public BodyReader
{
public:
    FormReader(Request *request, std::function<void(Request *, const Form &)> done, qint64 maxBytes)
        : BodyReader(request), m_done(std::move(done)), m_maxBytes(maxBytes), m_decoder(qMax<qint64>(maxBytes, 1))
    {
    }

protected:
    void consume(QByteArrayView bytes) override
    {
        m_bytes += bytes.size();
        if (m_bytes > m_maxBytes)
            return fail(413, "form body too large");
        m_decoder.feed(bytes);
        drain();
    }

    void finish() override
    {
        m_decoder.finish();
        drain();
        if (!failed())
            m_done(request(), Form(std::move(m_fields)));
    }

private:
    void drain()
    {
        while (auto field = m_decoder.next())
            m_fields.append(std::move(*field));
        if (m_decoder.error() != UrlEncodedError::None)
            fail(400, QByteArrayLiteral("malformed form body: ") + toString(m_decoder.error()));
    }

    std::function<void(Request *, const Form &)> m_done;
    qint64 m_maxBytes;
    qint64 m_bytes = 0;
    UrlEncodedDecoder m_decoder;
    QList<FormField> m_fields;
};
} // namespace

QString Form::value(QStringView name, const QString &defaultValue) const
{
    for (const FormField &field : m_fields) {
        if (field.name == name)
            return field.value;
    }
    return defaultValue;
}

QStringList Form::values(QStringView name) const
{
    QStringList out;
    for (const FormField &field : m_fields) {
        if (field.name == name)
            out.append(field.value);
    }
    return out;
}

bool Form::contains(QStringView name) const
{
    for (const FormField &field : m_fields) {
        if (field.name == name)
            return true;
    }
    return false;
}

std::optional<Form> Form::parse(QByteArrayView encoded, QString *error)
{
    UrlEncodedError why = UrlEncodedError::None;
    std::optional<QList<FormField>> fields = UrlEncodedDecoder::decodeAll(encoded, &why);
    if (!fields) {
        if (error)
            *error = QString::fromLatin1(toString(why));
        return std::nullopt;
    }
    return Form(std::move(*fields));
}

std::optional<Form> readQuery(Request *request)
{
    QString error;
    std::optional<Form> form = Form::parse(request->queryString(), &error);
    if (!form)
        respondError(request, 400, QByteArrayLiteral("malformed query string: ") + error.toLatin1());
    return form;
}

void readForm(Request *request, std::function<void(Request *, const Form &)> done, qint64 maxBytes)
{
    if (!hasContentType(request, "application/x-www-form-urlencoded")) {
        respondError(request, 400, "expected Content-Type: application/x-www-form-urlencoded");
        return;
    }
    auto *reader = new FormReader(request, std::move(done), maxBytes);
    reader->start();
}

} // namespace afcgi
