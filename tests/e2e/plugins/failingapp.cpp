// An application plugin whose start() fails, as one whose storage cannot be opened does.
#include <afcgi/application.h>

#include <QObject>

class FailingApp : public QObject, public afcgi::ApplicationPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID AFCGI_APPLICATION_IID)
    Q_INTERFACES(afcgi::ApplicationPlugin)
public:
    bool start(afcgi::ApplicationContext &context, QString *error) override
    {
        *error = QStringLiteral("cannot open storage '%1'")
                     .arg(context.settings().value(QStringLiteral("storage")).toString());
        return false;
    }
};

#include "failingapp.moc"
