#pragma once
// Cookies: those the client sent (the Cookie header), and Set-Cookie for those to keep.

#include <afcgi/afcgi_global.h>
#include <afcgi/fastcgi.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>

#include <optional>

namespace afcgi {

class Request;

/// The SameSite attribute of a cookie.
enum class SameSite {
    Unset,  ///< no attribute: the browser's default (Lax in current browsers)
    Lax,    ///< sent on top-level navigations from other sites, not on their subrequests
    Strict, ///< sent only on requests from this site
    None,   ///< sent everywhere; browsers require `secure` with it
};

/// A cookie to set on the client (a Set-Cookie header, RFC 6265 section 4.1).
struct AFCGI_EXPORT Cookie
{
    QByteArray name;  ///< a token (RFC 9110): letters, digits, some punctuation; no space, '=' or ';'
    QByteArray value; ///< printable ASCII but space, '"', ',', ';' and backslash; encode others
    QByteArray path;   ///< Path=; empty: the browser's default (the request's directory)
    QByteArray domain; ///< Domain=; empty: this host only
    std::optional<qint64> maxAge; ///< Max-Age= in seconds; 0 or less removes the cookie
    QDateTime expires; ///< Expires=, for clients that ignore Max-Age; invalid: none
    bool secure = false;   ///< sent over HTTPS only
    bool httpOnly = false; ///< out of reach of scripts
    SameSite sameSite = SameSite::Unset; ///< SameSite=, when set

    /// The value of the Set-Cookie header, or an empty array when the cookie is not valid
    /// (a name or a value with characters they cannot have, a ';' or a control character in
    /// the path or domain, SameSite=None without secure).
    QByteArray toSetCookie() const;
};

/// The cookies of the request's Cookie header (HTTP_COOKIE), in order, as (name, value):
/// parsed as RFC 6265 writes them and leniently (a malformed pair is skipped, never the rest;
/// quotes around a value are removed). A name may come more than once.
AFCGI_EXPORT NameValueList requestCookies(const Request *request);
/// The value of the first cookie called `name`; std::nullopt when there is none.
AFCGI_EXPORT std::optional<QByteArray> requestCookie(const Request *request, QByteArrayView name);

/// Adds a Set-Cookie header for `cookie` to the response (before its first write). Returns
/// false, and adds nothing, when the cookie is not valid (see Cookie::toSetCookie()).
AFCGI_EXPORT bool setCookie(Request *request, const Cookie &cookie);
/// Asks the client to forget cookie `name` (Max-Age=0 and an Expires in the past), for the
/// same `path` and `domain` it was set with.
AFCGI_EXPORT void removeCookie(Request *request, const QByteArray &name, const QByteArray &path = {},
                               const QByteArray &domain = {});

} // namespace afcgi
