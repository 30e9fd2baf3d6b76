#include "handlers/cgi/cgienvironment.h"

namespace afcgi {

CgiEnvironment::CgiEnvironment(const NameValueList &params)
{
    for (const NameValue &param : params) {
        if (!isValidName(param.first) || param.second.contains('\0'))
            continue;
        if (param.first == "HTTP_PROXY")
            continue; // httpoxy: a client's "Proxy:" header must not become the program's proxy
        m_variables.insert(param.first, param.second);
    }
    for (const char *name : {"CONTENT_LENGTH", "CONTENT_TYPE"}) {
        const auto it = m_variables.constFind(name);
        if (it != m_variables.cend() && it->isEmpty())
            m_variables.remove(name);
    }
}

bool CgiEnvironment::isValidName(QByteArrayView name)
{
    if (name.isEmpty() || (name.front() >= '0' && name.front() <= '9'))
        return false;
    for (char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

void CgiEnvironment::setMountedScript(const QByteArray &scriptName, const QByteArray &pathInfo,
                                      const QByteArray &scriptFilename)
{
    m_variables.insert("SCRIPT_NAME", scriptName);
    m_variables.insert("SCRIPT_FILENAME", scriptFilename);
    if (pathInfo.isEmpty()) {
        m_variables.remove("PATH_INFO");
        m_variables.remove("PATH_TRANSLATED");
        return;
    }
    m_variables.insert("PATH_INFO", pathInfo);
    QByteArray root = m_variables.value("DOCUMENT_ROOT");
    while (root.endsWith('/'))
        root.chop(1);
    if (root.isEmpty())
        m_variables.remove("PATH_TRANSLATED");
    else
        m_variables.insert("PATH_TRANSLATED", root + pathInfo);
}

void CgiEnvironment::setRequestTarget(const QByteArray &path, const QByteArray &query)
{
    m_variables.insert("QUERY_STRING", query);
    m_variables.insert("REQUEST_URI", query.isEmpty() ? path : path + '?' + query);
}

void CgiEnvironment::set(const QByteArray &name, const QByteArray &value)
{
    m_variables.insert(name, value);
}

void CgiEnvironment::unset(const QByteArray &name)
{
    m_variables.remove(name);
}

void CgiEnvironment::setAll(const NameValueList &variables)
{
    for (const NameValue &variable : variables)
        m_variables.insert(variable.first, variable.second);
}

std::optional<QByteArray> CgiEnvironment::value(const QByteArray &name) const
{
    const auto it = m_variables.constFind(name);
    if (it == m_variables.cend())
        return std::nullopt;
    return *it;
}

QList<QByteArray> CgiEnvironment::toList() const
{
    QMap<QByteArray, QByteArray> all = m_variables;
    const auto setDefault = [&all](const char *name, const QByteArray &value) {
        if (!all.contains(name))
            all.insert(name, value);
    };
    setDefault("GATEWAY_INTERFACE", "CGI/1.1");
    setDefault("REQUEST_METHOD", "GET");
    setDefault("SERVER_PROTOCOL", "HTTP/1.1");
    setDefault("SERVER_SOFTWARE", "afcgid/" AFCGI_VERSION);
    setDefault("PATH", kDefaultPath);
    if (!all.contains("QUERY_STRING")) {
        // The RFC wants it set, empty when there is no query (4.1.7).
        const QByteArray uri = all.value("REQUEST_URI");
        const qsizetype mark = uri.indexOf('?');
        all.insert("QUERY_STRING", mark < 0 ? QByteArray() : uri.mid(mark + 1));
    }
    QList<QByteArray> list;
    list.reserve(all.size());
    for (auto it = all.cbegin(); it != all.cend(); ++it)
        list.append(it.key() + '=' + it.value());
    return list;
}

} // namespace afcgi
