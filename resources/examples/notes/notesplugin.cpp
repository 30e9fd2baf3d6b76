// The notes service as an application plugin for the stock afcgid:
//   afcgid --app /notes=/path/to/libnotes.so
// and, in afcgid's config file, its own section:
//   [app:/notes]
//   file = /var/lib/afcgi/notes.json
#include "noteshandler.h"

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
        if (!store->open(context.settings().value(QStringLiteral("file")).toString(), error))
            return false;
        context.mount(QStringLiteral("/"), std::make_shared<NotesHandler>(context.prefix(), store));
        return true;
    }
};

#include "notesplugin.moc"
