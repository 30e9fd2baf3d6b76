// The notes service as an application plugin for the stock afcgid:
//   afcgid --app /notes=/path/to/libnotes.so
// and, in afcgid's config file, its own section:
//   [app:/notes]
//   directory = /var/lib/afcgi/notes
//   accel-prefix = /protected/
#include "notesroutes.h"

#include <afcgi/application.h>

#include <QObject>

class NotesPlugin : public QObject, public afcgi::ApplicationPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID)
    Q_INTERFACES(afcgi::ApplicationPlugin)
public:
    bool start(afcgi::ApplicationContext &context, QString *error) override
    {
        auto store = std::make_shared<NotesStore>();
        if (!store->open(context.settings().value(QStringLiteral("directory")).toString(), error))
            return false;
        NotesOptions options;
        options.accelPrefix = context.settings().value(QStringLiteral("accel-prefix"), QStringLiteral("/protected/")).toString().toUtf8();
        auto notes = std::make_shared<afcgi::Router>();
        addNotesRoutes(*notes, store, options);
        context.mount(QStringLiteral("/"), notes);
        return true;
    }
};

#include "notesplugin.moc"
