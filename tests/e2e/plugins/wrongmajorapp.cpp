// An application plugin built for another major version of afcgi's application interface.
#include <afcgi/application.h>

#include <QObject>

class WrongMajorApp : public QObject, public afcgi::ApplicationPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.afcgi.ApplicationPlugin/99.0")
    Q_INTERFACES(afcgi::ApplicationPlugin)
public:
    bool start(afcgi::ApplicationContext &, QString *) override { return true; }
};

#include "wrongmajorapp.moc"
