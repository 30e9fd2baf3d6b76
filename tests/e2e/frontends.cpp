#include "frontends.h"

#include "processcontrol.h"
#include "processfixture.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>

#ifdef Q_OS_UNIX
#include <pwd.h>
#endif

namespace e2e {

namespace {

using Substitutions = QList<ProcessFixture::Substitution>;

bool isUnix(const QString &address)
{
    return address.startsWith(QLatin1String("unix:"));
}

QString readyAddress(quint16 httpPort)
{
    return QStringLiteral("127.0.0.1:%1").arg(httpPort);
}

bool oneTcpUpstream(const QStringList &upstreams, const char *frontEnd, QString *error)
{
    if (upstreams.size() == 1 && !isUnix(upstreams.first()))
        return true;
    *error = QStringLiteral("the %1 helper takes one TCP upstream, not %2")
                 .arg(QLatin1String(frontEnd), upstreams.join(QLatin1Char(' ')));
    return false;
}

// Writes the main config of `name` to <tmp>/<name>.conf (the caller's arguments name it), then
// starts `program` (by default `name`); it writes its own error log to <tmp>/<name>-error.log.
QProcess *startWithMainConfig(ProcessFixture &f, const QString &name, const QString &conf,
                              const QStringList &arguments, quint16 port, QString *error,
                              const QString &program = QString())
{
    if (!f.writeFile(name + QStringLiteral(".conf"), conf.toUtf8(), error))
        return nullptr;
    f.addLog(name + QStringLiteral("-error"));
    return f.start(ProcessFixture::findTool(program.isEmpty() ? name : program), arguments, name,
                   readyAddress(port), error);
}

// --- nginx: resources/nginx/afcgi.conf is a site for the http {} context -------------------

QProcess *startNginx(ProcessFixture &f, const QString &upstream, quint16 port,
                     const Substitutions &extra, QString *error,
                     const QString &sample = QStringLiteral("nginx/afcgi.conf"))
{
    if (!f.writeFromSample(sample,
                           extra + Substitutions{{QStringLiteral("server 127.0.0.1:9000;"), QStringLiteral("server %1;").arg(upstream)},
                                         {QStringLiteral("listen 8080;"), QStringLiteral("listen 127.0.0.1:%1;").arg(port)}},
                           QStringLiteral("nginx-afcgi.conf"), error)) {
        return nullptr;
    }
    // The main context a packaged nginx.conf would give, with every path inside our directory.
    QString conf;
    if (runningAsRoot())
        conf += QStringLiteral("user root;\n"); // workers would otherwise drop to nobody
    conf += QStringLiteral(
        "worker_processes 1;\n"
        "error_log %1/nginx-error.log notice;\n"
        "pid %1/nginx.pid;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    access_log %1/nginx-access.log;\n"
        "    client_body_temp_path %1/nginx-body;\n"
        "    fastcgi_temp_path %1/nginx-fastcgi;\n"
        "    proxy_temp_path %1/nginx-proxy;\n"
        "    scgi_temp_path %1/nginx-scgi;\n"
        "    uwsgi_temp_path %1/nginx-uwsgi;\n"
        "    default_type application/octet-stream;\n"
        "    include %1/nginx-afcgi.conf;\n"
        "}\n").arg(f.dirPath());
    const QStringList arguments{
        QStringLiteral("-p"), f.dirPath() + QLatin1Char('/'),
        QStringLiteral("-c"), f.path(QStringLiteral("nginx.conf")),
        QStringLiteral("-e"), f.path(QStringLiteral("nginx-error.log")),
        QStringLiteral("-g"), QStringLiteral("daemon off; master_process off;"),
    };
    return startWithMainConfig(f, QStringLiteral("nginx"), conf, arguments, port, error);
}

// --- HAProxy: resources/haproxy/afcgi.cfg is a whole haproxy.cfg with two servers -----------

QProcess *startHaproxy(ProcessFixture &f, const QStringList &upstreams, quint16 port,
                       const Substitutions &extra, QString *error)
{
    if (upstreams.isEmpty() || upstreams.size() > 2) {
        *error = QStringLiteral("the HAProxy sample has room for one or two servers");
        return nullptr;
    }
    // HAProxy takes a Unix socket as its bare absolute path.
    auto server = [&upstreams](int i) {
        return isUnix(upstreams.at(i)) ? upstreams.at(i).mid(5) : upstreams.at(i);
    };
    const QString second = upstreams.size() == 2
        ? QStringLiteral("server afcgi2 ") + server(1)
        : QStringLiteral("# server afcgi2 127.0.0.1:9001"); // unused: the whole line commented out
    if (!f.writeFromSample(QStringLiteral("haproxy/afcgi.cfg"),
                           extra + Substitutions{{QStringLiteral("bind :8080"), QStringLiteral("bind 127.0.0.1:%1").arg(port)},
                                         {QStringLiteral("server afcgi1 127.0.0.1:9000"), QStringLiteral("server afcgi1 ") + server(0)},
                                         {QStringLiteral("server afcgi2 127.0.0.1:9001"), second}},
                           QStringLiteral("haproxy.cfg"), error)) {
        return nullptr;
    }
    // -db: foreground, no daemon; the sample logs to stdout, which is our log file.
    return f.start(ProcessFixture::findTool(QStringLiteral("haproxy")),
                   {QStringLiteral("-db"), QStringLiteral("-f"), f.path(QStringLiteral("haproxy.cfg"))},
                   QStringLiteral("haproxy"), readyAddress(port), error);
}

// --- Apache httpd: resources/apache/afcgi.conf is a site (a file for sites-available/) ------

// Debian and Ubuntu name the binary apache2; Homebrew, Fedora and the Apache project httpd.
QString apacheProgram()
{
    for (const char *name : {"apache2", "httpd"}) {
        if (!ProcessFixture::findTool(QLatin1String(name)).isEmpty())
            return QLatin1String(name);
    }
    return QStringLiteral("apache2");
}

// Where the modules are: Debian's and Red Hat's places, or beside the binary's installation
// prefix (Homebrew: <keg>/lib/httpd/modules).
QString apacheModulesDir()
{
    QStringList candidates{QStringLiteral("/usr/lib/apache2/modules"), QStringLiteral("/usr/lib64/httpd/modules"),
                           QStringLiteral("/usr/lib/httpd/modules"), QStringLiteral("/usr/libexec/apache2")};
    const QString binary = QFileInfo(ProcessFixture::findTool(apacheProgram())).canonicalFilePath();
    if (!binary.isEmpty()) {
        const QString prefix = QFileInfo(binary).dir().filePath(QStringLiteral(".."));
        for (const char *relative : {"lib/httpd/modules", "lib/apache2/modules", "libexec/apache2", "modules"})
            candidates.append(QDir::cleanPath(prefix + QLatin1Char('/') + QLatin1String(relative)));
    }
    for (const QString &dir : std::as_const(candidates)) {
        if (QFileInfo::exists(dir + QStringLiteral("/mod_proxy_fcgi.so")))
            return dir;
    }
    return {};
}

QProcess *startApache(ProcessFixture &f, const QStringList &upstreams, quint16 port,
                      const Substitutions &extra, QString *error)
{
    if (!oneTcpUpstream(upstreams, "Apache", error))
        return nullptr;
    const QString modules = apacheModulesDir();
    if (modules.isEmpty()) {
        *error = QStringLiteral("mod_proxy_fcgi.so not found");
        return nullptr;
    }
    if (!f.writeFromSample(QStringLiteral("apache/afcgi.conf"),
                           extra + Substitutions{{QStringLiteral("Listen 8080"), QStringLiteral("Listen 127.0.0.1:%1").arg(port)},
                                         {QStringLiteral("<VirtualHost *:8080>"), QStringLiteral("<VirtualHost 127.0.0.1:%1>").arg(port)},
                                         {QStringLiteral("ProxyPass \"/\" \"fcgi://127.0.0.1:9000/\""),
                                          QStringLiteral("ProxyPass \"/\" \"fcgi://%1/\"").arg(upstreams.first())}},
                           QStringLiteral("apache2-afcgi.conf"), error)) {
        return nullptr;
    }
    // What Debian's apache2.conf and mods-enabled/ would give, with every path in our directory.
    QString conf = QStringLiteral(
        "ServerRoot \"%1\"\n"
        "ServerName localhost\n"
        "PidFile \"%1/apache2.pid\"\n"
        "ErrorLog \"%1/apache2-error.log\"\n"
        "LogLevel warn\n"
        "Mutex file:%1 default\n"
        "DefaultRuntimeDir \"%1\"\n"
        "LoadModule mpm_event_module %2/mod_mpm_event.so\n"
        "LoadModule authz_core_module %2/mod_authz_core.so\n"
        "LoadModule proxy_module %2/mod_proxy.so\n"
        "LoadModule proxy_fcgi_module %2/mod_proxy_fcgi.so\n").arg(f.dirPath(), modules);
#ifdef Q_OS_UNIX
    // Started as root, httpd must switch to another user (it refuses to serve as root); started
    // as anyone else it stays who it is and ignores User/Group.
    if (runningAsRoot()) {
        const passwd *nobody = ::getpwnam("nobody");
        if (!nobody) {
            *error = QStringLiteral("running as root, and there is no user nobody for Apache to switch to");
            return nullptr;
        }
        conf += QStringLiteral("User #%1\nGroup #%2\n").arg(nobody->pw_uid).arg(nobody->pw_gid);
    }
#endif
    conf += QStringLiteral("Include \"%1\"\n").arg(f.path(QStringLiteral("apache2-afcgi.conf")));
    // -X: one process in the foreground, the way to run httpd under a debugger or a test.
    return startWithMainConfig(f, QStringLiteral("apache2"), conf,
                               {QStringLiteral("-X"), QStringLiteral("-f"), f.path(QStringLiteral("apache2.conf"))},
                               port, error, apacheProgram());
}

// --- lighttpd: resources/lighttpd/afcgi.conf is a file for conf-enabled/ --------------------

QProcess *startLighttpd(ProcessFixture &f, const QStringList &upstreams, quint16 port,
                        const Substitutions &extra, QString *error)
{
    if (!oneTcpUpstream(upstreams, "lighttpd", error))
        return nullptr;
    const QString host = upstreams.first().section(QLatin1Char(':'), 0, 0);
    const QString fcgiPort = upstreams.first().section(QLatin1Char(':'), 1);
    if (!f.writeFromSample(QStringLiteral("lighttpd/afcgi.conf"),
                           extra + Substitutions{{QStringLiteral("$SERVER[\"socket\"] == \":8080\" {"),
                                          QStringLiteral("$SERVER[\"socket\"] == \"127.0.0.1:%1\" {").arg(port)},
                                         {QStringLiteral("\"host\" => \"127.0.0.1\","), QStringLiteral("\"host\" => \"%1\",").arg(host)},
                                         {QStringLiteral("\"port\" => 9000,"), QStringLiteral("\"port\" => %1,").arg(fcgiPort)}},
                           QStringLiteral("lighttpd-afcgi.conf"), error)
        || !QDir(f.dirPath()).mkpath(QStringLiteral("lighttpd-root"))) {
        return nullptr;
    }
    // The main socket is the one the sample's $SERVER["socket"] block applies to.
    const QString conf = QStringLiteral(
        "server.document-root = \"%1/lighttpd-root\"\n"
        "server.bind = \"127.0.0.1\"\n"
        "server.port = %2\n"
        "server.errorlog = \"%1/lighttpd-error.log\"\n"
        "server.upload-dirs = ( \"%1\" )\n"
        "include \"%1/lighttpd-afcgi.conf\"\n").arg(f.dirPath()).arg(port);
    // -D: do not daemonize.
    return startWithMainConfig(f, QStringLiteral("lighttpd"), conf,
                               {QStringLiteral("-D"), QStringLiteral("-f"), f.path(QStringLiteral("lighttpd.conf"))},
                               port, error);
}

// --- Caddy: resources/caddy/Caddyfile is a whole Caddyfile --------------------------------

QProcess *startCaddy(ProcessFixture &f, const QStringList &upstreams, quint16 port,
                     const Substitutions &extra, QString *error)
{
    if (!oneTcpUpstream(upstreams, "Caddy", error))
        return nullptr;
    // No admin endpoint (it would want port 2019), and only the loopback interface.
    if (!f.writeFromSample(QStringLiteral("caddy/Caddyfile"),
                           extra + Substitutions{{QStringLiteral("admin localhost:2019"), QStringLiteral("admin off")},
                                         {QStringLiteral(":8080 {"), QStringLiteral(":%1 {\n\tbind 127.0.0.1").arg(port)},
                                         {QStringLiteral("reverse_proxy 127.0.0.1:9000 {"),
                                          QStringLiteral("reverse_proxy %1 {").arg(upstreams.first())}},
                           QStringLiteral("Caddyfile"), error)) {
        return nullptr;
    }
    // Caddy keeps its state (certificates, the autosaved config) under HOME and XDG_*_HOME.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"})
        environment.insert(QLatin1String(name), f.path(QStringLiteral("caddy-home")));
    return f.start(ProcessFixture::findTool(QStringLiteral("caddy")),
                   {QStringLiteral("run"), QStringLiteral("--config"), f.path(QStringLiteral("Caddyfile")),
                    QStringLiteral("--adapter"), QStringLiteral("caddyfile")},
                   QStringLiteral("caddy"), readyAddress(port), error, 15000, environment);
}

} // namespace

QProcess *startNginxSite(ProcessFixture &fixture, const QString &sample, const QString &upstream,
                         quint16 httpPort, QString *error, const QList<ProcessFixture::Substitution> &extra)
{
    return startNginx(fixture, upstream, httpPort, extra, error, sample);
}

QString frontEndProgram(FrontEnd frontEnd)
{
    switch (frontEnd) {
    case FrontEnd::Nginx: return QStringLiteral("nginx");
    case FrontEnd::Haproxy: return QStringLiteral("haproxy");
    case FrontEnd::Apache: return apacheProgram();
    case FrontEnd::Lighttpd: return QStringLiteral("lighttpd");
    case FrontEnd::Caddy: return QStringLiteral("caddy");
    }
    return {};
}

QProcess *startFrontEnd(ProcessFixture &fixture, FrontEnd frontEnd, const QStringList &upstreams,
                        quint16 httpPort, QString *error,
                        const QList<ProcessFixture::Substitution> &extra)
{
    if (ProcessFixture::findTool(frontEndProgram(frontEnd)).isEmpty()) {
        *error = frontEndProgram(frontEnd) + QStringLiteral(" is not installed");
        return nullptr;
    }
    switch (frontEnd) {
    case FrontEnd::Nginx:
        if (upstreams.size() != 1) {
            *error = QStringLiteral("the nginx sample has one upstream server");
            return nullptr;
        }
        return startNginx(fixture, upstreams.first(), httpPort, extra, error);
    case FrontEnd::Haproxy: return startHaproxy(fixture, upstreams, httpPort, extra, error);
    case FrontEnd::Apache: return startApache(fixture, upstreams, httpPort, extra, error);
    case FrontEnd::Lighttpd: return startLighttpd(fixture, upstreams, httpPort, extra, error);
    case FrontEnd::Caddy: return startCaddy(fixture, upstreams, httpPort, extra, error);
    }
    return nullptr;
}

} // namespace e2e
