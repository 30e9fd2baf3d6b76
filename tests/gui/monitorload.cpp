// afcgi-monitor-load: a small, varied load for looking at afcgi-monitor (and for its
// screenshot, scripts/screenshot-monitor.sh). Long /delay and /stream requests stay in flight,
// multiplexed over a few connections, while quick /hello, /echo and short /stream requests come
// and go at a rate that swells and ebbs; now and then a long request is aborted. With --hub N,
// N subscribers wait on a few of the hub's channels and messages are published to them.
//
//   afcgi-monitor-load ADDRESS [--connections N] [--slow N] [--rate N] [--hub N] [--seconds N]

#include "fcgiclient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRandomGenerator>
#include <QTimer>
#include <QtMath> // M_PI, which <cmath> defines only on some systems (not MSVC by default)

#include <cmath>
#include <memory>
#include <vector>

using afcgi::FcgiClient;

namespace {
constexpr int kStepMs = 20;
// The hub's channels, busier towards the front of the list.
const QList<QByteArray> kChannels = { "prices", "news", "chat", "alerts" };

struct Load
{
    std::vector<std::unique_ptr<FcgiClient>> clients;
    QList<QPair<int, quint16>> slow; // (client, request id)
    int rate = 200;
    bool hub = false;
    qint64 steps = 0;
    QRandomGenerator random{ 20091 };

    FcgiClient &client(int i) { return *clients.at(size_t(i) % clients.size()); }

    quint16 send(FcgiClient &c, QByteArrayView method, const QByteArray &uri, const QByteArray &body = {})
    {
        const quint16 id = c.beginRequest(FcgiClient::requestParams(
            method, uri, body.isEmpty() ? -1 : body.size(), body.isEmpty() ? QByteArrayView() : "text/plain"));
        if (id == 0)
            return 0;
        if (!body.isEmpty())
            c.sendStdin(id, body);
        c.sendStdin(id, {});
        return id;
    }

    void startSlow(int i)
    {
        const bool stream = random.bounded(4) == 0;
        const QByteArray uri = stream
            ? QByteArrayLiteral("/stream?count=100000&interval_ms=") + QByteArray::number(200 + random.bounded(800))
            : QByteArrayLiteral("/delay?ms=") + QByteArray::number(20000 + random.bounded(100000));
        if (const quint16 id = send(client(i), "GET", uri))
            slow.append({ i % int(clients.size()), id });
    }

    void subscribe(int i)
    {
        const QByteArray &channel = kChannels.at(qMin(int(kChannels.size()) - 1, random.bounded(i % 7 + 1)));
        send(client(i), "GET", "/sub/" + channel);
    }

    void publish()
    {
        const QByteArray &channel = kChannels.at(random.bounded(int(kChannels.size())));
        send(client(random.bounded(int(clients.size()))), "POST", "/pub/" + channel,
             "{\"tick\":" + QByteArray::number(steps) + "}");
    }

    void step()
    {
        ++steps;
        if (hub && random.bounded(5) == 0) // about 10 messages a second
            publish();
        // Requests per second swell and ebb over about a minute.
        const double phase = double(steps * kStepMs) / 60000.0 * 2 * M_PI;
        const double perStep = rate * (0.6 + 0.4 * std::sin(phase)) * kStepMs / 1000.0;
        int n = int(perStep);
        if (random.generateDouble() < perStep - n)
            ++n;
        for (int k = 0; k < n; ++k) {
            FcgiClient &c = client(random.bounded(int(clients.size())));
            switch (random.bounded(10)) {
            case 0:
                send(c, "POST", "/echo", QByteArray(512 + random.bounded(8192), 'x'));
                break;
            case 1:
                send(c, "GET", "/stream?count=20&interval_ms=5");
                break;
            case 2:
                send(c, "GET", "/nothing-here"); // a 404 now and then
                break;
            default:
                send(c, "GET", "/hello");
            }
        }
        // Every few seconds a web server gives up on a long request; another one takes its place.
        if (steps % 150 == 0 && !slow.isEmpty()) {
            const auto [i, id] = slow.takeAt(random.bounded(int(slow.size())));
            client(i).abortRequest(id);
            startSlow(i);
        }
    }
};
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A varied FastCGI load for watching afcgi-monitor."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("address"), QStringLiteral("host:port or unix:/path"));
    const QCommandLineOption connections(QStringLiteral("connections"), QStringLiteral("Connections (default 4)."),
                                         QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption slow(QStringLiteral("slow"), QStringLiteral("Long requests kept in flight (default 60)."),
                                  QStringLiteral("N"), QStringLiteral("60"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Peak quick requests per second (default 300)."),
                                  QStringLiteral("N"), QStringLiteral("300"));
    const QCommandLineOption seconds(QStringLiteral("seconds"), QStringLiteral("Stop after N seconds (default: never)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption hub(QStringLiteral("hub"),
                                 QStringLiteral("Subscribers to the hub's channels (afcgid --hub; default 0)."),
                                 QStringLiteral("N"), QStringLiteral("0"));
    parser.addOptions({ connections, slow, rate, hub, seconds });
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);

    Load load;
    load.rate = parser.value(rate).toInt();
    for (int i = 0; i < qMax(1, parser.value(connections).toInt()); ++i) {
        auto client = std::make_unique<FcgiClient>();
        client->setKeepResponses(false);
        client->connectToServer(parser.positionalArguments().constFirst());
        if (!client->waitForConnected()) {
            qCritical("cannot connect to %s", qPrintable(parser.positionalArguments().constFirst()));
            return 1;
        }
        load.clients.push_back(std::move(client));
    }
    for (int i = 0; i < parser.value(slow).toInt(); ++i)
        load.startSlow(i);
    load.hub = parser.value(hub).toInt() > 0;
    for (int i = 0; i < parser.value(hub).toInt(); ++i)
        load.subscribe(i);

    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, &app, [&load] { load.step(); });
    timer.start(kStepMs);
    if (const int s = parser.value(seconds).toInt(); s > 0)
        QTimer::singleShot(s * 1000, &app, &QCoreApplication::quit);
    return app.exec();
}
