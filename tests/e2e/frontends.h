#pragma once
// The web servers the end-to-end tests put in front of afcgid. Each one's config is made from its
// ready-to-copy sample under resources/<front end>/, changing only the lines that say where to
// listen and where afcgid is, and it runs unprivileged-style in the foreground with its logs, pid
// and temporary files in the fixture's directory.

#include "processfixture.h"

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace e2e {

enum class FrontEnd { Nginx, Haproxy, Apache, Lighttpd, Caddy };

// The program to look for on PATH: nginx, haproxy, apache2 (or httpd), lighttpd, caddy.
QString frontEndProgram(FrontEnd frontEnd);

// Starts the front end on 127.0.0.1:httpPort in front of `upstreams`, afcgid addresses as afcgid
// takes them ("127.0.0.1:PORT", or "unix:/path" for nginx and HAProxy). Only HAProxy balances
// between two; the others take one. Returns nullptr with a reason (and the log) on failure.
// `extra` are more substitutions in the sample (see ProcessFixture::writeFromSample), for a test
// that runs a variant of it, e.g. HAProxy with one thread.
QProcess *startFrontEnd(ProcessFixture &fixture, FrontEnd frontEnd, const QStringList &upstreams,
                        quint16 httpPort, QString *error,
                        const QList<ProcessFixture::Substitution> &extra = {});

// nginx with another site of resources/ than nginx/afcgi.conf (e.g. cgi/nginx.conf), made the
// same way: its `server 127.0.0.1:9000;` and `listen 8080;` lines point at `upstream` and
// 127.0.0.1:httpPort.
QProcess *startNginxSite(ProcessFixture &fixture, const QString &sample, const QString &upstream,
                         quint16 httpPort, QString *error,
                         const QList<ProcessFixture::Substitution> &extra = {});

} // namespace e2e
