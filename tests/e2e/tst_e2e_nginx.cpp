// End to end through a real nginx: curl -> nginx (resources/nginx/afcgi.conf) -> afcgid, with
// the FastCGI hop over TCP and over a Unix-domain socket. nginx sends one request at a time on a
// kept-alive connection and streams /stream with fastcgi_buffering off. It notices a client that
// goes away even while it waits for the response, and closes the FastCGI connection then
// (nginx never sends FCGI_ABORT_REQUEST). It reads a whole request body before it passes the
// request on, so a client that leaves during the upload never reaches afcgid.

#include "frontendtest.h"

#include <QtTest>

using namespace e2e;

class tst_E2eNginx : public FrontEndTest
{
    Q_OBJECT
public:
    tst_E2eNginx()
        : FrontEndTest({FrontEnd::Nginx,
                        {QStringLiteral("tcp"), QStringLiteral("unix")},
                        {Disconnect::Waiting, Disconnect::Streaming},
                        {Disconnect::Waiting, Disconnect::Streaming}})
    {
    }
};

QTEST_GUILESS_MAIN(tst_E2eNginx)
#include "tst_e2e_nginx.moc"
