#include "cgiresponse.h"

namespace afcgi {

namespace {
constexpr int kDefaultStatus = 200;
constexpr int kRedirectStatus = 302; // Location without Status: RFC 3875 client redirect

std::optional<int> parseStatus(const QByteArray &value)
{
    // "404 Not Found" or just "404".
    if (value.size() < 3 || (value.size() > 3 && value.at(3) != ' '))
        return std::nullopt;
    int code = 0;
    for (int i = 0; i < 3; ++i) {
        const char c = value.at(i);
        if (c < '0' || c > '9')
            return std::nullopt;
        code = code * 10 + (c - '0');
    }
    if (code < 100)
        return std::nullopt;
    return code;
}
} // namespace

QByteArray CgiResponse::header(QByteArrayView name) const
{
    for (const auto &h : headers) {
        if (QByteArrayView(h.first).compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

std::optional<CgiResponse> parseCgiResponse(const QByteArray &stdoutBytes)
{
    CgiResponse response;
    bool haveStatus = false;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype newline = stdoutBytes.indexOf('\n', pos);
        if (newline < 0)
            return std::nullopt; // the header block is not terminated (yet)
        QByteArrayView line = QByteArrayView(stdoutBytes).sliced(pos, newline - pos);
        pos = newline + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            break; // the blank line: the body follows
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        QByteArray name = line.first(colon).trimmed().toByteArray();
        QByteArray value = line.sliced(colon + 1).trimmed().toByteArray();
        if (QByteArrayView(name).compare("Status", Qt::CaseInsensitive) == 0) {
            const auto code = parseStatus(value);
            if (!code)
                return std::nullopt;
            response.status = *code;
            haveStatus = true;
        }
        response.headers.append({ std::move(name), std::move(value) });
    }
    if (!haveStatus)
        response.status = response.header("Location").isEmpty() ? kDefaultStatus : kRedirectStatus;
    response.body = stdoutBytes.sliced(pos);
    return response;
}

} // namespace afcgi
