#include "jsonfieldreader.h"

#include <cmath>

namespace afcgi::monitor {

QString JsonPath::toString() const
{
    QString s = parent ? parent->toString() : QString();
    if (key) {
        if (!s.isEmpty())
            s += QLatin1Char('.');
        s += QLatin1String(key);
    }
    if (index >= 0)
        s += QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
    return s;
}

bool toWholeNumber(const QJsonValue &v, qint64 *out)
{
    const double d = v.toDouble();
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (!v.isDouble() || !std::isfinite(d) || std::trunc(d) != d || d < -kTwoTo63 || d >= kTwoTo63)
        return false;
    *out = v.toInteger(qint64(d)); // exact when the parser kept the integer
    return true;
}

void JsonFieldReader::fail(const JsonPath &where, const char *what)
{
    if (m_error.isEmpty())
        m_error = where.toString() + QLatin1String(": ") + QLatin1String(what);
}

QJsonValue JsonFieldReader::field(const QJsonObject &o, const JsonPath &parent, const char *key,
                                  Need need)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() && need == Need::Required)
        fail(JsonPath{ &parent, key }, "missing");
    return v;
}

bool JsonFieldReader::wholeNumber(const QJsonValue &v, const JsonPath &where, qint64 *out)
{
    if (toWholeNumber(v, out))
        return true;
    const double d = v.toDouble();
    const bool whole = v.isDouble() && std::isfinite(d) && std::trunc(d) == d;
    fail(where, whole ? "integer out of range" : "expected an integer");
    return false;
}

bool JsonFieldReader::element(const QJsonValue &v, const JsonPath &where, qint64 low, qint64 high,
                              qint64 *out, const char *what)
{
    qint64 i = 0;
    if (!toWholeNumber(v, &i) || i < low || i > high) {
        fail(where, what);
        return false;
    }
    *out = i;
    return true;
}

void JsonFieldReader::number(const QJsonObject &o, const JsonPath &parent, const char *key, double *out)
{
    const QJsonValue v = field(o, parent, key, Need::Optional);
    if (v.isUndefined() || failed())
        return;
    if (!v.isDouble())
        return fail(JsonPath{ &parent, key }, "expected a number");
    *out = v.toDouble();
}

void JsonFieldReader::string(const QJsonObject &o, const JsonPath &parent, const char *key,
                             QString *out, Need need)
{
    const QJsonValue v = field(o, parent, key, need);
    if (v.isUndefined() || failed())
        return;
    if (!v.isString())
        return fail(JsonPath{ &parent, key }, "expected a string");
    *out = v.toString();
}

void JsonFieldReader::boolean(const QJsonObject &o, const JsonPath &parent, const char *key, bool *out)
{
    const QJsonValue v = field(o, parent, key, Need::Optional);
    if (v.isUndefined() || failed())
        return;
    if (!v.isBool())
        return fail(JsonPath{ &parent, key }, "expected true or false");
    *out = v.toBool();
}

QJsonObject JsonFieldReader::object(const QJsonObject &o, const JsonPath &parent, const char *key)
{
    const QJsonValue v = field(o, parent, key, Need::Optional);
    if (v.isUndefined() || failed())
        return {};
    if (!v.isObject())
        fail(JsonPath{ &parent, key }, "expected an object");
    return v.toObject();
}

} // namespace afcgi::monitor
