#include <afcgi/cookies.h>

#include <afcgi/request.h>

#include "web/cookieparser.h"
#include "web/httpchars.h"
#include "web/httpdate.h"

namespace afcgi {

namespace {
bool isCookieOctet(char c) // RFC 6265 cookie-octet
{
    const auto u = quint8(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x2b) || (u >= 0x2d && u <= 0x3a)
        || (u >= 0x3c && u <= 0x5b) || (u >= 0x5d && u <= 0x7e);
}

bool isAttributeValue(QByteArrayView value) // any CHAR except CTLs or ';'
{
    for (char c : value) {
        const auto u = quint8(c);
        if (u < 0x20 || u >= 0x7f || c == ';')
            return false;
    }
    return true;
}

bool isValid(const Cookie &cookie)
{
    if (!http::isToken(cookie.name))
        return false;
    for (char c : cookie.value) {
        if (!isCookieOctet(c))
            return false;
    }
    if (!isAttributeValue(cookie.path) || !isAttributeValue(cookie.domain))
        return false;
    return cookie.sameSite != SameSite::None || cookie.secure;
}
} // namespace

QByteArray Cookie::toSetCookie() const
{
    if (!isValid(*this))
        return {};
    QByteArray out = name + '=' + value;
    if (!path.isEmpty())
        out += "; Path=" + path;
    if (!domain.isEmpty())
        out += "; Domain=" + domain;
    if (maxAge)
        out += "; Max-Age=" + QByteArray::number(qMax<qint64>(*maxAge, 0));
    if (expires.isValid())
        out += "; Expires=" + formatHttpDate(expires);
    if (secure)
        out += "; Secure";
    if (httpOnly)
        out += "; HttpOnly";
    switch (sameSite) {
    case SameSite::Unset: break;
    case SameSite::Lax: out += "; SameSite=Lax"; break;
    case SameSite::Strict: out += "; SameSite=Strict"; break;
    case SameSite::None: out += "; SameSite=None"; break;
    }
    return out;
}

NameValueList requestCookies(const Request *request)
{
    return CookieParser::parse(request->paramView("HTTP_COOKIE"));
}

std::optional<QByteArray> requestCookie(const Request *request, QByteArrayView name)
{
    for (const NameValue &pair : requestCookies(request)) {
        if (pair.first == name)
            return pair.second;
    }
    return std::nullopt;
}

bool setCookie(Request *request, const Cookie &cookie)
{
    const QByteArray header = cookie.toSetCookie();
    if (header.isEmpty())
        return false;
    request->setHeader("Set-Cookie", header);
    return true;
}

void removeCookie(Request *request, const QByteArray &name, const QByteArray &path, const QByteArray &domain)
{
    Cookie cookie;
    cookie.name = name;
    cookie.path = path;
    cookie.domain = domain;
    cookie.maxAge = 0;
    cookie.expires = QDateTime::fromSecsSinceEpoch(0, Qt::UTC);
    setCookie(request, cookie);
}

} // namespace afcgi
