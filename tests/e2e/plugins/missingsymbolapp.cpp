// An application plugin that needs a function nothing provides (as one built against a newer
// libafcgi needs what this one lacks): it links, but cannot be loaded.
#include <afcgi/application.h>

#include <QObject>

extern "C" void afcgi_test_symbol_nobody_defines();

class MissingSymbolApp : public QObject, public afcgi::ApplicationPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID)
    Q_INTERFACES(afcgi::ApplicationPlugin)
public:
    bool start(afcgi::ApplicationContext &, QString *) override
    {
        afcgi_test_symbol_nobody_defines();
        return true;
    }
};

#include "missingsymbolapp.moc"
