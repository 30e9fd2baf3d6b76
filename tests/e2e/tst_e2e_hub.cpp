// The publish/subscribe hub end to end: real afcgid --hub behind nginx and HAProxy (their
// samples), curl as event-stream and long-poll clients, and headless Chromium running the
// README's EventSource page through nginx while afcgid restarts under it.

#include "e2etest.h"
#include "frontends.h"
#include "headlesschromium.h"
#include "processfixture.h"
#include "sseparser.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest>

using namespace e2e;

namespace {

// An event-stream client: curl -N, its output read as a browser would.
class SseCurl
{
public:
    explicit SseCurl(const QString &url, const QStringList &headers = {})
    {
        QStringList arguments{QStringLiteral("-N"), QStringLiteral("-H"),
                              QStringLiteral("Accept: text/event-stream")};
        for (const QString &h : headers)
            arguments << QStringLiteral("-H") << h;
        m_process = ProcessFixture::startCurl(arguments << url, 60);
    }
    ~SseCurl() { stop(); }
    QList<afcgi::SseEvent> events()
    {
        m_parser.feed(m_process->readAllStandardOutput());
        while (auto e = m_parser.next())
            m_events.append(*e);
        return m_events;
    }
    QStringList data()
    {
        QStringList out;
        for (const afcgi::SseEvent &e : events())
            out.append(QString::fromUtf8(e.data));
        return out;
    }
    void stop()
    {
        if (m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }

private:
    std::unique_ptr<QProcess> m_process;
    afcgi::SseParser m_parser;
    QList<afcgi::SseEvent> m_events;
};

// The README's page: the html block after the <!-- live-page --> marker.
QByteArray readmePage()
{
    QFile readme(QStringLiteral(AFCGI_README));
    if (!readme.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = readme.readAll();
    const qsizetype marker = text.indexOf("<!-- live-page -->");
    const qsizetype start = text.indexOf("```html\n", marker);
    const qsizetype end = text.indexOf("```", start + 8);
    if (marker < 0 || start < 0 || end < 0)
        return {};
    return text.mid(start + 8, end - start - 8);
}

} // namespace

class tst_E2eHub : public E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void nginxStreamsAndResumes();
    void haproxyMultiplexesSubscribers();
    void chromiumResumesAfterRestart();

private:
    bool startAfcgid(QString *error);
    bool startStack(FrontEnd frontEnd, QString *error,
                    const QList<ProcessFixture::Substitution> &extra = {});
    int subscribers();
    QByteArray publish(const QByteArray &channel, const QByteArray &body);

    QString m_afcgid;
    QProcess *m_afcgidProcess = nullptr;
    QString m_base;
};

bool tst_E2eHub::startAfcgid(QString *error)
{
    // A short grace: on SIGTERM the event streams are cut at once, as a restart does.
    m_afcgidProcess = m_fixture->startAfcgid({QStringLiteral("--listen"), m_afcgid, QStringLiteral("--hub"),
                                              QStringLiteral("--shutdown-grace"), QStringLiteral("200")},
                                             m_afcgid, error);
    return m_afcgidProcess != nullptr;
}

bool tst_E2eHub::startStack(FrontEnd frontEnd, QString *error,
                            const QList<ProcessFixture::Substitution> &extra)
{
    m_afcgid = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    const quint16 http = ProcessFixture::freeTcpPort();
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(http);
    return startAfcgid(error) && startFrontEnd(*m_fixture, frontEnd, {m_afcgid}, http, error, extra);
}

int tst_E2eHub::subscribers()
{
    return ProcessFixture::afcgidStatus(m_afcgid).value(QLatin1String("hub")).toObject()
        .value(QLatin1String("subscribers")).toInt(-1);
}

QByteArray tst_E2eHub::publish(const QByteArray &channel, const QByteArray &body)
{
    const CurlResult r = m_fixture->curl(m_base + QStringLiteral("/pub/") + QString::fromLatin1(channel),
                                         {QStringLiteral("--data-binary"), QString::fromUtf8(body)});
    if (r.httpStatus != 200)
        return {};
    return QJsonDocument::fromJson(r.body).object().value(QLatin1String("id")).toString().toLatin1();
}

void tst_E2eHub::nginxStreamsAndResumes()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(curl, "curl");
    QString error;
    QVERIFY2(startStack(FrontEnd::Nginx, &error), qPrintable(error));
    SseCurl a(m_base + QStringLiteral("/sub/news"));
    SseCurl b(m_base + QStringLiteral("/sub/news"));
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(), 2, 10000);
    QList<QByteArray> ids;
    for (const char *body : {"one", "two", "three"}) {
        ids.append(publish("news", body));
        QVERIFY(!ids.last().isEmpty());
    }
    QTRY_COMPARE_WITH_TIMEOUT(a.data(), (QStringList{"one", "two", "three"}), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(b.data(), (QStringList{"one", "two", "three"}), 10000);
    QCOMPARE(b.events().last().lastEventId, ids.last());

    b.stop(); // the browser goes away; nginx closes its FastCGI request
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(), 1, 10000);
    publish("news", "four");
    const QByteArray five = publish("news", "five");
    SseCurl c(m_base + QStringLiteral("/sub/news"),
              {QStringLiteral("Last-Event-ID: ") + QString::fromLatin1(ids.last())});
    QTRY_COMPARE_WITH_TIMEOUT(c.data(), (QStringList{"four", "five"}), 10000);
    publish("news", "six");
    QTRY_COMPARE_WITH_TIMEOUT(c.data(), (QStringList{"four", "five", "six"}), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a.data().size(), 6, 10000);

    // A long poll through nginx resumes the same way, and says where it stands in its ETag.
    const CurlResult poll = m_fixture->curl(m_base + QStringLiteral("/sub/news?mode=longpoll&last_id=")
                                            + QString::fromLatin1(five));
    QCOMPARE(poll.httpStatus, 200);
    const QJsonArray messages = QJsonDocument::fromJson(poll.body).object().value(QLatin1String("messages")).toArray();
    QCOMPARE(messages.size(), 1);
    QCOMPARE(messages.first().toObject().value(QLatin1String("data")).toString(), QStringLiteral("six"));
}

void tst_E2eHub::haproxyMultiplexesSubscribers()
{
    E2E_REQUIRE_TOOL(haproxy, "haproxy");
    E2E_REQUIRE_TOOL(curl, "curl");
    constexpr int kClients = 30;
    QString error;
    QVERIFY2(startStack(FrontEnd::Haproxy, &error), qPrintable(error));
    std::vector<std::unique_ptr<SseCurl>> clients;
    for (int i = 0; i < kClients; ++i)
        clients.push_back(std::make_unique<SseCurl>(m_base + QStringLiteral("/sub/feed")));
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(), kClients, 15000);
    // afcgid's own view: the subscriptions share a few FastCGI connections.
    QSet<qint64> connections;
    const QJsonArray active = ProcessFixture::afcgidStatus(m_afcgid, true)
                                  .value(QLatin1String("active_requests")).toArray();
    for (const QJsonValue &r : active) {
        if (r.toObject().value(QLatin1String("uri")).toString().startsWith(QLatin1String("/sub/")))
            connections.insert(r.toObject().value(QLatin1String("connection_id")).toInteger());
    }
    qInfo("%d subscribers through HAProxy on %lld FastCGI connections", kClients,
          qint64(connections.size()));
    QVERIFY2(connections.size() < kClients / 2, qPrintable(QString::number(connections.size())));
    QVERIFY(!publish("feed", "to everyone").isEmpty());
    for (auto &client : clients)
        QTRY_COMPARE_WITH_TIMEOUT(client->data(), QStringList{QStringLiteral("to everyone")}, 10000);
}

void tst_E2eHub::chromiumResumesAfterRestart()
{
    E2E_REQUIRE_TOOL(nginx, "nginx");
    E2E_REQUIRE_TOOL(chromium, "chromium");
    const QByteArray page = readmePage();
    QVERIFY2(page.contains("EventSource"), "no <!-- live-page --> html block in README.md");
    QString error;
    QVERIFY(QDir().mkpath(m_fixture->path(QStringLiteral("www"))));
    QVERIFY2(m_fixture->writeFile(QStringLiteral("www/live.html"), page, &error), qPrintable(error));
    // nginx serves the page beside the sample's locations.
    QVERIFY2(startStack(FrontEnd::Nginx, &error,
                        {{QStringLiteral("server_name _;"),
                          QStringLiteral("server_name _; location = /live.html { root %1; }")
                              .arg(m_fixture->path(QStringLiteral("www")))}}),
             qPrintable(error));
    HeadlessChromium browser;
    QVERIFY2(browser.open(chromium, m_fixture->path(QStringLiteral("profile")),
                          m_base + QStringLiteral("/live.html"), &error),
             qPrintable(error));
    const auto shown = [&browser] {
        return browser.evaluate(QStringLiteral("document.getElementById('log').innerText")).toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(shown().contains(QLatin1String("open")), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(), 1, 10000);
    const QByteArray one = publish("news", "one");
    QTRY_VERIFY_WITH_TIMEOUT(shown().contains(QLatin1String("message ") + QString::fromLatin1(one) + QLatin1String(" one")), 10000);

    // afcgid restarts: a new epoch, an empty history. The page reconnects by itself with
    // Last-Event-ID and is told to reset, then follows the new run.
    ProcessFixture::stop(m_afcgidProcess);
    QVERIFY2(startAfcgid(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(shown().contains(QLatin1String("reset epoch")), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(subscribers(), 1, 10000);
    const QByteArray two = publish("news", "two");
    QTRY_VERIFY_WITH_TIMEOUT(shown().contains(QLatin1String("message ") + QString::fromLatin1(two) + QLatin1String(" two")), 10000);
    qInfo().noquote() << "the page showed:" << shown().replace(QLatin1Char('\n'), QLatin1String(" | "));
}

QTEST_GUILESS_MAIN(tst_E2eHub)
#include "tst_e2e_hub.moc"
