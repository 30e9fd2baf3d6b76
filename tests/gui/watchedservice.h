#pragma once
// A real afcgid (2 workers, on a free TCP port, its monitor socket in a private directory) and
// afcgi-monitor's window watching it, for the GUI tests that drive the app against the service.

#include "logmodel.h"
#include "mainwindow.h"
#include "processfixture.h"

#include <QGuiApplication>
#include <QTest>

#include <memory>

// A line of the log view (the service's lines and the monitor's own) contains `text`.
inline bool logContains(const afcgi::gui::LogModel &model, const QString &text)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.entryAt(row).message.contains(text))
            return true;
    }
    return false;
}

inline QString connectedTo(qint64 pid)
{
    return QStringLiteral("Connected to pid %1,").arg(pid);
}

struct Watched
{
    e2e::ProcessFixture fixture;
    QString address;
    QString monitorName;
    QStringList arguments;
    QProcess *service = nullptr;
    std::unique_ptr<afcgi::gui::MainWindow> window;

    bool start(const QStringList &extra, QString *error)
    {
        address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
        monitorName = fixture.path(QStringLiteral("monitor.sock"));
        arguments = QStringList{ QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                                 monitorName, QStringLiteral("--threads"), QStringLiteral("2") }
            + extra;
        service = fixture.startAfcgid(arguments, address, error);
        if (!service)
            return false;
        window = std::make_unique<afcgi::gui::MainWindow>(monitorName);
        window->client()->setRetryInterval(200);
        window->resize(1100, 700);
        if (QGuiApplication::platformName() == QLatin1String("offscreen"))
            QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
        window->show();
        window->start();
        return true;
    }
    bool restart(QString *error)
    {
        service = fixture.startAfcgid(arguments, address, error);
        return service != nullptr;
    }
    bool connected() const { return window->statusText().startsWith(connectedTo(service->processId())); }
};
