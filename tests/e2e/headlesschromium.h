#pragma once
// Headless Chromium driven over its DevTools pipe (--remote-debugging-pipe: commands on fd 3,
// answers on fd 4, each a JSON text ended by a NUL byte): opens a page and evaluates JavaScript
// in it. No network beyond what the page loads, a fresh profile in the fixture's directory.

#include <QJsonObject>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QProcess;
QT_END_NAMESPACE

namespace e2e {

class HeadlessChromium
{
public:
    HeadlessChromium();
    ~HeadlessChromium(); // closes the browser

    // Starts `program` with a profile in `profileDir` and opens `url`; false with a reason.
    bool open(const QString &program, const QString &profileDir, const QString &url, QString *error);
    // The value of a JavaScript expression in the page, as JSON (e.g. a string); an undefined
    // value or a failure gives a null QJsonValue.
    QJsonValue evaluate(const QString &expression);

private:
    QJsonObject call(const QString &method, const QJsonObject &params, const QString &session = {},
                     int timeoutMs = 10000);
    bool readMessage(QJsonObject *message, int timeoutMs);

    std::unique_ptr<QProcess> m_process;
    int m_toBrowser = -1;
    int m_fromBrowser = -1;
    QByteArray m_buffer;
    int m_nextId = 1;
    QString m_session;
};

} // namespace e2e
