// End to end through a real lighttpd: curl -> lighttpd with mod_fastcgi
// (resources/lighttpd/afcgi.conf) -> afcgid. lighttpd opens a FastCGI connection per request and
// streams both ways with server.stream-{request,response}-body = 2. It does not watch the client
// while it waits for the response headers, so a client that leaves then is noticed only when the
// response comes: afcgid finishes the request. A client that leaves while lines stream or while
// its body is still being uploaded is noticed at once: lighttpd closes the FastCGI connection.

#include "frontendtest.h"

#include <QtTest>

using namespace e2e;

class tst_E2eLighttpd : public FrontEndTest
{
    Q_OBJECT
public:
    tst_E2eLighttpd()
        : FrontEndTest({FrontEnd::Lighttpd,
                        {QStringLiteral("tcp")},
                        {Disconnect::Waiting, Disconnect::Streaming, Disconnect::Uploading},
                        {Disconnect::Streaming, Disconnect::Uploading}})
    {
    }
};

QTEST_GUILESS_MAIN(tst_E2eLighttpd)
#include "tst_e2e_lighttpd.moc"
