#pragma once
// Reading the monitor protocol's JSON objects field by field, with the first problem reported
// by where it is ("tick.began[3].uri: expected a string"). Private to the monitor codec.

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <limits>
#include <type_traits>

namespace afcgi::monitor {

// Where in the message a field is, rendered only when something is wrong ("began[3].uri").
struct JsonPath
{
    const JsonPath *parent = nullptr;
    const char *key = nullptr;
    qsizetype index = -1;

    QString toString() const;
};

enum class Need { Optional, Required };

// A JSON number that is a whole qint64. The range is checked on the double before converting:
// casting one outside qint64 (1e21, say) is undefined behaviour.
bool toWholeNumber(const QJsonValue &v, qint64 *out);

// Reads fields of one JSON object; the first problem wins and the rest is skipped.
class JsonFieldReader
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const JsonPath &where, const char *what);

    // Returns an undefined value when absent (after reporting it if required).
    QJsonValue field(const QJsonObject &o, const JsonPath &parent, const char *key, Need need);

    template<typename Int>
    void integer(const QJsonObject &o, const JsonPath &parent, const char *key, Int *out,
                 Need need = Need::Optional)
    {
        const QJsonValue v = field(o, parent, key, need);
        if (v.isUndefined() || failed())
            return;
        qint64 i = 0;
        if (!wholeNumber(v, JsonPath{ &parent, key }, &i))
            return;
        using Limits = std::numeric_limits<Int>;
        if (i < qint64(Limits::min())
            || (std::is_unsigned_v<Int> ? quint64(i) > quint64(Limits::max())
                                        : i > qint64(Limits::max()))) {
            fail(JsonPath{ &parent, key }, "integer out of range");
            return;
        }
        *out = Int(i);
    }

    void number(const QJsonObject &o, const JsonPath &parent, const char *key, double *out);
    void string(const QJsonObject &o, const JsonPath &parent, const char *key, QString *out,
                Need need = Need::Optional);
    void boolean(const QJsonObject &o, const JsonPath &parent, const char *key, bool *out);
    QJsonObject object(const QJsonObject &o, const JsonPath &parent, const char *key);

    // Calls read(element, path) for each element of an optional array; false when absent.
    template<typename F>
    bool array(const QJsonObject &o, const JsonPath &parent, const char *key, F read)
    {
        const QJsonValue v = field(o, parent, key, Need::Optional);
        if (v.isUndefined() || failed())
            return false;
        if (!v.isArray()) {
            fail(JsonPath{ &parent, key }, "expected an array");
            return false;
        }
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size() && !failed(); ++i)
            read(a.at(i), JsonPath{ &parent, key, i });
        return true;
    }

    // An optional array of objects, each read by read(object, path, &item); false when absent.
    template<typename T, typename F>
    bool objects(const QJsonObject &o, const JsonPath &parent, const char *key, QList<T> *out, F read)
    {
        return array(o, parent, key, [&](const QJsonValue &v, const JsonPath &where) {
            if (!v.isObject())
                return fail(where, "expected an object");
            T item;
            read(v.toObject(), where, &item);
            out->append(std::move(item));
        });
    }

    // An array element that must be a whole number in [low, high].
    bool element(const QJsonValue &v, const JsonPath &where, qint64 low, qint64 high, qint64 *out,
                 const char *what);

private:
    bool wholeNumber(const QJsonValue &v, const JsonPath &where, qint64 *out);

    QString m_error;
};

} // namespace afcgi::monitor
