#include "service/applicationloader.h"

#include <afcgi/application.h>
#include <afcgi/router.h>

#include "config/logging.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QPluginLoader>

namespace afcgi {

static_assert(AFCGI_APPLICATION_MAJOR == AFCGI_VERSION_MAJOR,
              "the application interface's major version is libafcgi's (its SONAME)");

namespace {

constexpr QLatin1String kIidBase(AFCGI_APPLICATION_IID_BASE);

// "/notes" + "/list" → "/notes/list"; "/notes" + "/" → "/notes"; "/" + "/list" → "/list".
QString joinPath(const QString &prefix, const QString &path)
{
    QString tail = path;
    while (tail.endsWith(QLatin1Char('/')))
        tail.chop(1);
    if (!tail.isEmpty() && !tail.startsWith(QLatin1Char('/')))
        tail.prepend(QLatin1Char('/'));
    if (tail.isEmpty())
        return prefix;
    return prefix == QLatin1String("/") ? tail : prefix + tail;
}

// The major version in "org.afcgi.ApplicationPlugin/0.1", or -1.
int majorOf(const QString &iid)
{
    bool ok = false;
    const int major = iid.mid(kIidBase.size()).section(QLatin1Char('.'), 0, 0).toInt(&ok);
    return ok ? major : -1;
}

class Context final : public ApplicationContext
{
public:
    Context(const AppConfig &app, const QString &name, Router &router, const ServerInfo &server,
            Hub *hub, QList<monitor::Route> *routes)
        : m_app(app), m_name(name), m_router(router), m_server(server), m_hub(hub), m_routes(routes)
    {
    }

    QString name() const override { return m_name; }
    QString prefix() const override { return m_app.prefix; }
    QString fileName() const override { return m_app.plugin; }
    QVariantMap settings() const override { return m_app.settings; }
    Hub *hub() const override { return m_hub; }
    const ServerInfo &serverInfo() const override { return m_server; }

    void mount(const QString &path, std::shared_ptr<Handler> handler) override
    {
        m_router.mount(listedPrefix(path), std::move(handler));
    }

    void mount(const QString &path, std::shared_ptr<Router> router) override
    {
        m_router.mount(listedPrefix(path), std::move(router));
    }

private:
    // Where `path` is served, recorded for the monitor's hello (the routes it lists).
    QString listedPrefix(const QString &path)
    {
        const QString prefix = joinPath(m_app.prefix, path);
        m_routes->append({prefix, m_name, m_app.plugin, {}});
        return prefix;
    }

    const AppConfig &m_app;
    QString m_name;
    Router &m_router;
    const ServerInfo &m_server;
    Hub *m_hub;
    QList<monitor::Route> *m_routes;
};

} // namespace

ApplicationLoader::ApplicationLoader(Router &router, const ServerInfo &server, Hub *hub,
                                     QList<monitor::Route> *routes)
    : m_router(router), m_server(server), m_hub(hub), m_routes(routes)
{
}

ApplicationLoader::~ApplicationLoader() = default;

QString ApplicationLoader::applicationName(const QString &fileName)
{
    QString name = QFileInfo(fileName).completeBaseName();
    name = name.section(QLatin1Char('.'), 0, 0); // libnotes.so.1 → libnotes
    if (name.startsWith(QLatin1String("lib")) && name.size() > 3)
        name.remove(0, 3);
    return name;
}

bool ApplicationLoader::load(const AppConfig &app, QString *error)
{
    const QString file = app.plugin;
    const auto fail = [&](const QString &why) { // in the words the operator used
        *error = (app.fromCommandLine ? QStringLiteral("--app %1=%2: %3")
                                      : QStringLiteral("[app:%1] plugin = %2: %3")).arg(app.prefix, file, why);
        return false;
    };
    for (const monitor::Route &route : std::as_const(*m_routes)) {
        if (route.prefix == app.prefix)
            return fail(QStringLiteral("%1 is already served by %2").arg(app.prefix, route.app));
    }
    const QFileInfo info(file);
    if (!info.exists())
        return fail(QStringLiteral("no such file"));
    if (!info.isFile() || !info.isReadable())
        return fail(QStringLiteral("not a readable file"));

    auto loader = std::make_unique<QPluginLoader>(file);
    // Every symbol resolved now: a plugin that needs what this libafcgi lacks fails here, with
    // the symbol named, rather than at its first request.
    loader->setLoadHints(QLibrary::ResolveAllSymbolsHint);
    const QJsonObject metaData = loader->metaData();
    if (metaData.isEmpty()) {
        return fail(QStringLiteral("not a Qt plugin (no plugin metadata; build it with "
                                   "qt_add_plugin and Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID))"));
    }
    const QString iid = metaData.value(QLatin1String("IID")).toString();
    if (!iid.startsWith(kIidBase)) {
        return fail(QStringLiteral("not an afcgi application plugin (its interface is '%1', "
                                   "expected '%2')").arg(iid, QLatin1String(AFCGI_APPLICATION_IID)));
    }
    if (majorOf(iid) != AFCGI_APPLICATION_MAJOR) {
        return fail(QStringLiteral("built for another major version of afcgi (interface '%1'; "
                                   "this afcgid loads '%2'): rebuild it against this afcgi")
                        .arg(iid, QLatin1String(AFCGI_APPLICATION_IID)));
    }
    if (!loader->load())
        return fail(QStringLiteral("cannot be loaded: %1").arg(loader->errorString()));
    QObject *instance = loader->instance();
    // Cast by the plugin's own IID: a plugin of an earlier minor version answers to that one.
    auto *plugin = instance ? static_cast<ApplicationPlugin *>(instance->qt_metacast(iid.toLatin1().constData()))
                            : nullptr;
    if (!plugin)
        return fail(QStringLiteral("its plugin object does not implement afcgi::ApplicationPlugin"));

    const QString name = applicationName(file);
    Context context(app, name, m_router, m_server, m_hub, m_routes);
    QString why;
    if (!plugin->start(context, &why)) {
        return fail(QStringLiteral("the application did not start: %1")
                        .arg(why.isEmpty() ? QStringLiteral("(no reason given)") : why));
    }
    qCInfo(lcEngine).noquote() << "application" << name << "from" << file << "mounted on" << app.prefix;
    m_loaders.push_back(std::move(loader));
    return true;
}

} // namespace afcgi
