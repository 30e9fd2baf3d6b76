#pragma once
// Query strings and application/x-www-form-urlencoded bodies.

#include <afcgi/afcgi_global.h>

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace afcgi {

class Request;

/// One decoded name-value pair of a query or a form.
struct FormField
{
    QString name;  ///< decoded
    QString value; ///< decoded; empty for a field without '='
    /// Same name and value.
    bool operator==(const FormField &o) const { return name == o.name && value == o.value; }
};

/// The fields of a query string or a form, decoded ('+' is a space, %XX a byte, then UTF-8), in
/// the order they came, repeated names kept: `?tag=a&tag=b` has two "tag" fields.
class AFCGI_EXPORT Form
{
public:
    Form() = default; ///< no fields
    /// These fields, in this order.
    explicit Form(QList<FormField> fields) : m_fields(std::move(fields)) {}

    /// The first value of `name`, or `defaultValue` when there is none.
    QString value(QStringView name, const QString &defaultValue = {}) const;
    /// Every value of `name`, in order.
    QStringList values(QStringView name) const;
    bool contains(QStringView name) const;                  ///< a field called `name` is there
    const QList<FormField> &fields() const { return m_fields; } ///< all of them, in order
    bool isEmpty() const { return m_fields.isEmpty(); }     ///< no fields at all

    /// Decodes a query string or a form body; std::nullopt for a malformed one (a '%' not
    /// followed by two hex digits), with the reason in `error`.
    static std::optional<Form> parse(QByteArrayView encoded, QString *error = nullptr);

private:
    QList<FormField> m_fields;
};

/// The request's query string as a Form. When it is malformed, answers `400 Bad Request` with
/// a short reason and returns std::nullopt: the handler just returns.
///
///     const auto query = afcgi::readQuery(request);
///     if (!query)
///         return;
///     const QStringList tags = query->values(u"tag");
AFCGI_EXPORT std::optional<Form> readQuery(Request *request);

/// Reads an `application/x-www-form-urlencoded` body as it streams in, then calls
/// `done(request, form)` on the request's thread. Answers by itself, and never calls `done`,
/// when the body is not one (`400`, a short reason), is malformed (`400`), or is larger than
/// `maxBytes` (`413`). An exception from `done` becomes a `500`.
AFCGI_EXPORT void readForm(Request *request, std::function<void(Request *, const Form &)> done,
                           qint64 maxBytes = 1024 * 1024);

} // namespace afcgi
