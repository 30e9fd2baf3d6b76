// An application plugin for tst_e2e_plugins: answers with its name, its setting `greeting` and
// the path it saw, on its prefix and on prefix/items; and a router on prefix/api: GET /{id:int}.
#include <afcgi/application.h>
#include <afcgi/handler.h>
#include <afcgi/request.h>
#include <afcgi/router.h>

#include <QObject>

#include <memory>

namespace {

class GreetingHandler final : public afcgi::Handler
{
public:
    explicit GreetingHandler(QByteArray text) : m_text(std::move(text)) {}
    void handle(afcgi::Request *request) override
    {
        request->respond(200, "text/plain", m_text + ' ' + request->path().toUtf8() + '\n');
    }

private:
    QByteArray m_text;
};

} // namespace

class TestApp : public QObject, public afcgi::ApplicationPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID)
    Q_INTERFACES(afcgi::ApplicationPlugin)
public:
    bool start(afcgi::ApplicationContext &context, QString *) override
    {
        const QByteArray greeting =
            context.settings().value(QStringLiteral("greeting"), QStringLiteral("hello")).toString().toUtf8();
        const QByteArray name = context.name().toUtf8();
        context.mount(QStringLiteral("/"), std::make_shared<GreetingHandler>(name + ": " + greeting));
        context.mount(QStringLiteral("/items"), std::make_shared<GreetingHandler>(name + " items:"));
        auto api = std::make_shared<afcgi::Router>();
        api->get(QStringLiteral("/{id:int}"), [name](afcgi::Request *r) {
            r->respond(200, "text/plain", name + " api: " + r->pathParam(u"id").toUtf8() + '\n');
        });
        context.mount(QStringLiteral("/api"), api);
        return true;
    }
};

#include "testapp.moc"
