#pragma once
// The checks every front end must pass on its way to afcgid. A suite per front end derives from
// FrontEndTest, states what that front end does with a client that goes away, and adds test
// functions of its own.

#include "e2etest.h"
#include "frontends.h"

#include <QJsonObject>

namespace e2e {

// When the HTTP client goes away.
enum class Disconnect {
    Waiting,   // during GET /delay?ms=5000, before the first byte of the response
    Streaming, // during GET /stream, between two lines
    Uploading, // during a POST whose body is half sent
};

struct FrontEndTraits
{
    FrontEnd frontEnd;
    QStringList transports; // how afcgid listens for it: "tcp", "unix"
    // The disconnects to try. Uploading only where the front end passes a body on while it
    // arrives (one that buffers the whole body never starts the request).
    QList<Disconnect> disconnects;
    // Those the front end passes on (FCGI_ABORT_REQUEST, or the connection closed), so that
    // afcgid counts the request as aborted at once. In the others the request runs to its end
    // and the front end throws the response away.
    QList<Disconnect> abortsOn;
};

class FrontEndTest : public E2eTest
{
    Q_OBJECT
protected:
    explicit FrontEndTest(FrontEndTraits traits) : m_traits(std::move(traits)) { }

    // afcgid listening on the transport (with `afcgidArguments` added), the front end in front
    // of it; sets m_afcgidAddress and m_baseUrl.
    bool startStack(const QString &transport, QString *error, const QStringList &afcgidArguments = {});
    CurlResult curl(const QString &path, const QStringList &arguments = {}) const;
    QJsonObject afcgidStatus(bool full = false) const;
    void addTransportRows() const;

    QString m_afcgidAddress;
    QString m_baseUrl;

private Q_SLOTS:
    void initTestCase();

    void hello_data() { addTransportRows(); }
    void hello();
    void echoFiveMegabytes_data() { addTransportRows(); }
    void echoFiveMegabytes();
    void streamArrivesLineByLine_data() { addTransportRows(); }
    void streamArrivesLineByLine();
    void notFound_data() { addTransportRows(); }
    void notFound();
    void clientDisconnects_data();
    void clientDisconnects();

private:
    FrontEndTraits m_traits;
};

} // namespace e2e
