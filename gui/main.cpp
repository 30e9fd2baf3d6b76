// afcgi-monitor: the desktop monitor of afcgid. Connects to the service's monitor socket and
// shows its requests, connections, throughput and logs live.

#include "adminactions.h"
#include "chartspage.h"
#include "configdialog.h"
#include "mainwindow.h"
#include "monitorclient.h"
#include "monitorprotocol.h"
#include "channeladdress.h"
#include "peercredentials.h"
#include "screenshot.h"
#include "serviceswindow.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("afcgi"));
    QApplication::setApplicationName(QStringLiteral("afcgi-monitor"));
    QApplication::setApplicationVersion(QStringLiteral(AFCGI_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Live monitor for the afcgid FastCGI server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption socket(
        QStringLiteral("socket"),
        QStringLiteral("The service's monitor channel: a name (in the per-user channel directory) "
                       "or a path (default: %1).")
            .arg(afcgi::monitor::defaultChannelDescription()),
        QStringLiteral("NAME"));
    parser.addOption(socket);
    const QCommandLineOption serviceUser(
        QStringLiteral("service-user"),
        QStringLiteral("Also accept a service running as USER (a name or uid); by default only a "
                       "service of your own user is accepted."),
        QStringLiteral("USER"));
    parser.addOption(serviceUser);
    const QCommandLineOption via(
        QStringLiteral("via"),
        QStringLiteral("Reach a service on another host through COMMAND, e.g. 'ssh user@host': it "
                       "runs '<COMMAND> afcgid --monitor-relay [NAME]' there and speaks over its "
                       "stdin and stdout. No port is opened."),
        QStringLiteral("COMMAND"));
    const QCommandLineOption remoteAfcgid(
        QStringLiteral("remote-afcgid"),
        QStringLiteral("The afcgid program on the remote host (default: afcgid on its PATH)."),
        QStringLiteral("PATH"), QStringLiteral("afcgid"));
    parser.addOptions({via, remoteAfcgid});
    // For the README's screenshot (scripts/screenshot-monitor.sh), made offscreen.
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Save a picture of the window to FILE after --screenshot-delay ms, then quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay"),
                                   QStringLiteral("Milliseconds before the screenshot (default 5000)."),
                                   QStringLiteral("MS"), QStringLiteral("5000"));
    const QCommandLineOption tab(QStringLiteral("tab"),
                                 QStringLiteral("The tab to show first: 1 overview, 2 requests, "
                                                "3 connections, 4 throughput, 5 logs, 6 channels, 7 routes, 8 workers."),
                                 QStringLiteral("N"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QStringLiteral("The window size, WIDTHxHEIGHT."), QStringLiteral("WxH"));
    const QCommandLineOption history(QStringLiteral("history"),
                                     QStringLiteral("Seconds of throughput and latency the charts show (default 300)."),
                                     QStringLiteral("SECONDS"), QStringLiteral("300"));
    const QCommandLineOption shown(QStringLiteral("screenshot-show"),
                                   QStringLiteral("What the screenshot shows over the window: "
                                                  "service-menu (the Service menu open) or config "
                                                  "(the effective configuration)."),
                                   QStringLiteral("WHAT"));
    parser.addOptions({ history, screenshot, delay, tab, size, shown });
    parser.process(app);

    // The service named here first; then the remote services saved in the settings and the
    // other local channels that answer, each in the sidebar.
    afcgi::gui::ServicesWindow services;
    afcgi::gui::ServiceEntry named;
    named.channel = parser.value(socket);
    named.via = parser.value(via);
    named.remoteProgram = parser.value(remoteAfcgid);
    named.title = named.isRemote()
        ? named.via
        : QFileInfo(afcgi::monitor::channelAddress(named.channel)).fileName();
    afcgi::gui::MainWindow &window = *services.addService(named);
    if (parser.isSet(serviceUser)) {
        const qint64 uid = afcgi::monitor::userIdOf(parser.value(serviceUser));
        if (uid < 0) {
            std::fprintf(stderr, "afcgi-monitor: --service-user: no user '%s'\n",
                         qPrintable(parser.value(serviceUser)));
            return 2;
        }
        window.client()->setTrustedUser(uid);
    }
    services.addSavedServices();
    services.discoverLocalChannels();
    QApplication::setWindowIcon(window.windowIcon());
    services.setWindowIcon(window.windowIcon());
    window.chartsPage()->setHistory(qMax(1, parser.value(history).toInt()) * 1000);
    if (parser.isSet(tab))
        window.tabs()->setCurrentIndex(parser.value(tab).toInt() - 1);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(QLatin1Char('x'));
        if (wh.size() == 2)
            services.resize(wh.at(0).toInt(), wh.at(1).toInt());
    }
    services.show();
    services.start();
    if (parser.isSet(screenshot)) {
        const int delayMs = parser.value(delay).toInt();
        const QString what = parser.value(shown);
        // The menu opens, or the configuration is asked for, a moment before the picture.
        QTimer::singleShot(qMax(0, delayMs - 1000), &services, [&] {
            if (what == QLatin1String("service-menu"))
                window.serviceMenu()->popup(window.menuBar()->mapToGlobal(
                    window.menuBar()->actionGeometry(window.serviceMenu()->menuAction()).bottomLeft()));
            else if (what == QLatin1String("config"))
                window.adminActions()->showConfigAction()->trigger();
        });
        QTimer::singleShot(delayMs, &services, [&] {
            QWidget *overlay = nullptr;
            if (what == QLatin1String("service-menu"))
                overlay = window.serviceMenu();
            else if (what == QLatin1String("config"))
                overlay = window.adminActions()->configDialog();
            const bool saved = afcgi::gui::grabWithOverlay(&services, overlay).save(parser.value(screenshot));
            QCoreApplication::exit(saved ? 0 : 1);
        });
    }
    return app.exec();
}
