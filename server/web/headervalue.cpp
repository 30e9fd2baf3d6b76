#include "web/headervalue.h"

#include "web/httpchars.h"

namespace afcgi {

namespace {
void skipSpaces(QByteArrayView text, qsizetype &pos)
{
    while (pos < text.size() && http::isSpace(text[pos]))
        ++pos;
}
} // namespace

QByteArray HeaderValue::param(QByteArrayView name) const
{
    for (const auto &p : params) {
        if (p.first == name)
            return p.second;
    }
    return {};
}

bool HeaderValue::hasParam(QByteArrayView name) const
{
    for (const auto &p : params) {
        if (p.first == name)
            return true;
    }
    return false;
}

bool HeaderValue::is(QByteArrayView type) const
{
    return QByteArrayView(value).compare(type, Qt::CaseInsensitive) == 0;
}

std::optional<HeaderValue> parseHeaderValue(QByteArrayView text)
{
    HeaderValue out;
    qsizetype pos = text.indexOf(';');
    if (pos < 0)
        pos = text.size();
    out.value = http::trimSpaces(text.first(pos)).toByteArray();
    if (out.value.isEmpty())
        return std::nullopt;
    while (pos < text.size()) {
        ++pos; // the ';'
        skipSpaces(text, pos);
        if (pos == text.size())
            break; // a trailing ';' is harmless
        const qsizetype equals = text.indexOf('=', pos);
        const qsizetype semicolon = text.indexOf(';', pos);
        if (equals < 0 || (semicolon >= 0 && semicolon < equals))
            return std::nullopt;
        const QByteArray name = http::trimSpaces(text.sliced(pos, equals - pos)).toByteArray().toLower();
        if (name.isEmpty())
            return std::nullopt;
        pos = equals + 1;
        skipSpaces(text, pos);
        QByteArray value;
        if (pos < text.size() && text[pos] == '"') {
            ++pos;
            bool closed = false;
            while (pos < text.size()) {
                const char c = text[pos++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && pos < text.size())
                    value.append(text[pos++]);
                else
                    value.append(c);
            }
            if (!closed)
                return std::nullopt;
            skipSpaces(text, pos);
            if (pos < text.size() && text[pos] != ';')
                return std::nullopt; // text after the closing quote
        } else {
            qsizetype end = text.indexOf(';', pos);
            if (end < 0)
                end = text.size();
            value = http::trimSpaces(text.sliced(pos, end - pos)).toByteArray();
            pos = end;
        }
        out.params.append({name, value});
    }
    return out;
}

} // namespace afcgi
