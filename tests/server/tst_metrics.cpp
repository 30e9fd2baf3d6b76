// /metrics in the Prometheus text exposition format, parsed line by line.
#include "cgiresponse.h"
#include "engine/engine.h"
#include "fcgiclient.h"
#include "handlers/builtinhandlers.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;

namespace {

struct Exposition
{
    QHash<QString, QString> types;     // family → type
    QHash<QString, double> samples;    // "name{labels}" → value
    QStringList order;                 // sample keys in order
    QStringList errors;
};

Exposition parse(const QByteArray &text)
{
    static const QRegularExpression sample(
        QStringLiteral(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$)"));
    static const QRegularExpression type(QStringLiteral(R"(^# TYPE (\S+) (counter|gauge|histogram)$)"));
    Exposition e;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty() || line.startsWith(QLatin1String("# HELP ")))
            continue;
        if (const auto m = type.match(line); m.hasMatch()) {
            e.types.insert(m.captured(1), m.captured(2));
            continue;
        }
        const auto m = sample.match(line);
        if (!m.hasMatch()) {
            e.errors.append(line);
            continue;
        }
        bool ok = false;
        const QString valueText = m.captured(3);
        const double value = valueText == QLatin1String("+Inf") ? qInf() : valueText.toDouble(&ok);
        if (!ok && valueText != QLatin1String("+Inf"))
            e.errors.append(line);
        QString family = m.captured(1);
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            if (family.endsWith(QLatin1String(suffix)) && !e.types.contains(family))
                family.chop(int(qstrlen(suffix)));
        }
        if (!e.types.contains(family))
            e.errors.append(QStringLiteral("no TYPE for ") + line);
        const QString key = m.captured(1) + m.captured(2);
        e.samples.insert(key, value);
        e.order.append(key);
    }
    return e;
}

} // namespace

class tst_Metrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exposition();

private:
    QByteArray fetch(const QByteArray &uri);
    std::unique_ptr<Engine> m_engine;
    QString m_address;
};

void tst_Metrics::initTestCase()
{
    ServerConfig config;
    config.listen = {*ListenAddress::parse(QStringLiteral("127.0.0.1:0"))};
    config.threads = 2;
    m_engine = std::make_unique<Engine>(config);
    mountBuiltinHandlers(m_engine->router(), *m_engine);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    m_address = QStringLiteral("127.0.0.1:%1").arg(m_engine->tcpPort());
}

QByteArray tst_Metrics::fetch(const QByteArray &uri)
{
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", uri));
    client.sendStdin(id, {});
    if (!QTest::qWaitFor([&] { return client.response(id).ended; }, 5000))
        return {};
    const auto response = parseCgiResponse(client.response(id).out);
    return response ? response->body : QByteArray();
}

void tst_Metrics::exposition()
{
    constexpr int kHellos = 5;
    for (int i = 0; i < kHellos; ++i)
        QCOMPARE(fetch("/hello"), QByteArray("Hello world\n"));
    QCOMPARE(fetch("/nope"), QByteArray("Not found\n"));
    QTRY_COMPARE(m_engine->counters().requestsActive, 0);

    const QByteArray text = fetch("/metrics");
    const Exposition e = parse(text);
    QVERIFY2(e.errors.isEmpty(), qPrintable(e.errors.join(QLatin1Char('\n'))));
    QCOMPARE(e.types.value(QStringLiteral("afcgi_requests_total")), QStringLiteral("counter"));
    QCOMPARE(e.types.value(QStringLiteral("afcgi_request_duration_seconds")), QStringLiteral("histogram"));
    QCOMPARE(e.samples.value(QStringLiteral("afcgi_requests_total{status_class=\"2xx\"}")), double(kHellos));
    QCOMPARE(e.samples.value(QStringLiteral("afcgi_requests_total{status_class=\"4xx\"}")), 1.0);
    QCOMPARE(e.samples.value(QStringLiteral("afcgi_requests_in_flight")), 1.0); // this very request
    QVERIFY(e.samples.value(QStringLiteral("afcgi_received_bytes_total")) > 0);
    QVERIFY(e.samples.value(QStringLiteral("afcgi_sent_bytes_total")) > 0);
    QCOMPARE(e.samples.value(QStringLiteral("afcgi_protocol_errors_total")), 0.0);
    QVERIFY(e.samples.contains(QStringLiteral("afcgi_output_queued_bytes")));
    QVERIFY(e.samples.contains(QStringLiteral("afcgi_connections_open")));
    QVERIFY(e.samples.contains(QStringLiteral("afcgi_requests_aborted_total")));

    // Buckets are cumulative, end in +Inf, and +Inf equals _count.
    double previous = 0;
    QStringList buckets;
    for (const QString &key : e.order) {
        if (!key.startsWith(QLatin1String("afcgi_request_duration_seconds_bucket")))
            continue;
        buckets.append(key);
        QVERIFY2(e.samples.value(key) >= previous, qPrintable(key));
        previous = e.samples.value(key);
    }
    QVERIFY(buckets.size() > 3);
    QCOMPARE(buckets.last(), QStringLiteral("afcgi_request_duration_seconds_bucket{le=\"+Inf\"}"));
    const double count = e.samples.value(QStringLiteral("afcgi_request_duration_seconds_count"));
    QCOMPARE(e.samples.value(buckets.last()), count);
    QCOMPARE(count, double(kHellos + 1));
    QVERIFY(e.samples.value(QStringLiteral("afcgi_request_duration_seconds_sum")) >= 0);
}

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
