// End to end through a real Caddy: curl -> Caddy's reverse_proxy with the FastCGI transport
// (resources/caddy/Caddyfile) -> afcgid. Caddy opens a FastCGI connection per request and
// streams with flush_interval -1. It does not watch the client while it waits for the response
// headers, so a client that leaves then is noticed only when the response comes: afcgid finishes
// the request. A client that leaves while lines stream (noticed at the next line) or while its
// body is still being uploaded makes Caddy close the FastCGI connection.

#include "frontendtest.h"

#include <QtTest>

using namespace e2e;

class tst_E2eCaddy : public FrontEndTest
{
    Q_OBJECT
public:
    tst_E2eCaddy()
        : FrontEndTest({FrontEnd::Caddy,
                        {QStringLiteral("tcp")},
                        {Disconnect::Waiting, Disconnect::Streaming, Disconnect::Uploading},
                        {Disconnect::Streaming, Disconnect::Uploading}})
    {
    }
};

QTEST_GUILESS_MAIN(tst_E2eCaddy)
#include "tst_e2e_caddy.moc"
