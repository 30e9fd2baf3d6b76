#pragma once
// The FastCGI terms a handler meets: the role a request plays, and name-value pairs.

#include <afcgi/afcgi_global.h>

#include <QByteArray>
#include <QList>
#include <QPair>

namespace afcgi {

/// FCGI_RESPONDER, FCGI_AUTHORIZER, FCGI_FILTER, with the specification's values.
enum class Role : quint16 {
    Responder = 1,  ///< answers an HTTP request (the usual case)
    Authorizer = 2, ///< says whether an HTTP request may proceed (200) or not
    Filter = 3,     ///< answers with a filtered version of a file sent as the DATA stream
};

/// "RESPONDER", "AUTHORIZER", "FILTER", as the specification names them.
constexpr const char *toString(Role role)
{
    switch (role) {
    case Role::Responder: return "RESPONDER";
    case Role::Authorizer: return "AUTHORIZER";
    case Role::Filter: return "FILTER";
    }
    return "unknown role";
}

/// A CGI parameter as the web server sent it (or a cookie): (name, value), bytes both.
using NameValue = QPair<QByteArray, QByteArray>;
/// Name-value pairs in the order they came.
using NameValueList = QList<NameValue>;

} // namespace afcgi
