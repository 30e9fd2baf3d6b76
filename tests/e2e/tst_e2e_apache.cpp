// End to end through a real Apache httpd: curl -> httpd with mod_proxy_fcgi
// (resources/apache/afcgi.conf) -> afcgid. httpd sends one request at a time on a reused
// connection (enablereuse=on) and streams with flushpackets=on. It does not watch the client
// while it waits for the response, so a client that leaves then is noticed only when the
// response is written: afcgid finishes the request. A client that leaves while lines stream or
// while its body is still being uploaded is noticed at once: httpd closes the FastCGI connection.

#include "frontendtest.h"

#include <QtTest>

using namespace e2e;

class tst_E2eApache : public FrontEndTest
{
    Q_OBJECT
public:
    tst_E2eApache()
        : FrontEndTest({FrontEnd::Apache,
                        {QStringLiteral("tcp")},
                        {Disconnect::Waiting, Disconnect::Streaming, Disconnect::Uploading},
                        {Disconnect::Streaming, Disconnect::Uploading}})
    {
    }
};

QTEST_GUILESS_MAIN(tst_E2eApache)
#include "tst_e2e_apache.moc"
