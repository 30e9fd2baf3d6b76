// Builds a service from command-line arguments and mounts a handler: the public API as an
// application uses it, compiled against the installed <afcgi/...> headers and libafcgi.
#include <afcgi/handler.h>
#include <afcgi/request.h>
#include <afcgi/router.h>
#include <afcgi/service.h>

#include <QCoreApplication>

#include <cstdio>
#include <memory>

class HelloHandler final : public afcgi::Handler
{
public:
    void handle(afcgi::Request *request) override
    {
        request->respond(200, "text/plain", "hello from a consumer\n");
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    afcgi::Service service({QStringLiteral("consumer"), QStringLiteral("--listen"),
                            QStringLiteral("127.0.0.1:0"), QStringLiteral("--monitor"),
                            QStringLiteral("none")});
    if (!service.isValid()) {
        std::fprintf(stderr, "consumer: %s\n", qPrintable(service.errorString()));
        return 2;
    }
    service.router().mount(QStringLiteral("/hello"), std::make_shared<HelloHandler>());
    std::puts("consumer: service built, /hello mounted");
    return 0;
}
