#pragma once
// The environment a CGI program runs with: the request's meta-variables (RFC 3875 section 4.1)
// made from the FastCGI params the front end sent, corrected for how the program was found,
// plus what the operator configured. Nothing of afcgid's own environment is passed on. Pure.

#include <afcgi/fastcgi.h>

#include <QByteArray>
#include <QList>
#include <QMap>

#include <optional>

namespace afcgi {

class CgiEnvironment
{
public:
    // What PATH is unless the configuration sets it.
    static constexpr const char *kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

    // Every param whose name can be an environment variable ([A-Za-z_][A-Za-z0-9_]*) and whose
    // value holds no NUL, except HTTP_PROXY (a client's "Proxy:" header; CVE-2016-5385);
    // a repeated name keeps its last value. Empty CONTENT_LENGTH and CONTENT_TYPE are dropped
    // (RFC 3875 4.1.2, 4.1.3: unset without a body).
    explicit CgiEnvironment(const NameValueList &params);

    // A program mounted on a prefix: SCRIPT_NAME is the prefix, PATH_INFO the rest of the
    // request's path (unset when empty), PATH_TRANSLATED DOCUMENT_ROOT + PATH_INFO when both
    // are known (else unset), SCRIPT_FILENAME the program.
    void setMountedScript(const QByteArray &scriptName, const QByteArray &pathInfo,
                          const QByteArray &scriptFilename);
    // A local redirect (RFC 3875 6.2.2) run again: the new path's query and REQUEST_URI.
    void setRequestTarget(const QByteArray &path, const QByteArray &query);
    void set(const QByteArray &name, const QByteArray &value);
    void unset(const QByteArray &name);
    // Configured variables, set last: they win over what the front end sent.
    void setAll(const NameValueList &variables);

    std::optional<QByteArray> value(const QByteArray &name) const;
    // "NAME=value" entries, sorted by name, with the RFC's defaults for what the front end did
    // not send (GATEWAY_INTERFACE, QUERY_STRING from REQUEST_URI or empty, REQUEST_METHOD,
    // SERVER_PROTOCOL, SERVER_SOFTWARE) and PATH.
    QList<QByteArray> toList() const;

    static bool isValidName(QByteArrayView name);

private:
    QMap<QByteArray, QByteArray> m_variables;
};

} // namespace afcgi
