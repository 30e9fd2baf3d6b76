// Flow control: a web server that stops reading must not make the engine's memory grow. Output
// waits in bounded per-request and per-connection queues (ServerConfig::outputHighWaterBytes,
// ::connectionOutputCapBytes); input goes on being read and /echo spools what it cannot send, so
// that a front end which sends the whole body before reading never deadlocks against us.
// Expected engine warnings: none (see enginetestsupport.h for the policy).
#include <afcgi/handler.h>
#include <afcgi/request.h>
#include "enginetestcase.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <atomic>

using namespace afcgi;
using namespace enginetest;

namespace {

constexpr qint64 kMiB = 1024 * 1024;
constexpr qint64 kHighWater = 256 * 1024;     // per request
constexpr qint64 kConnectionCap = 384 * 1024; // per connection: below two requests' high water
// A write that starts below a limit may pass it once: by one 64 KiB chunk and its record headers.
constexpr qint64 kSlack = 72 * 1024;

ServerConfig flowConfig()
{
    ServerConfig config = defaultConfig();
    config.outputHighWaterBytes = kHighWater;
    config.connectionOutputCapBytes = kConnectionCap;
    config.bodyMemoryBytes = kMiB;
    return config;
}

// Deterministic, non-repeating bytes (xorshift32): a body cut, reordered or duplicated anywhere
// shows up in its hash.
class BodyGenerator
{
public:
    QByteArray next(qsizetype size)
    {
        QByteArray out(size, Qt::Uninitialized);
        char *p = out.data();
        for (qsizetype i = 0; i < size; ++i) {
            m_state ^= m_state << 13;
            m_state ^= m_state >> 17;
            m_state ^= m_state << 5;
            p[i] = char(m_state >> 24);
        }
        return out;
    }

private:
    quint32 m_state = 2463534242u;
};

QByteArray sha256(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}

// The body /stream?count=N sends.
QByteArray streamBody(int count)
{
    QByteArray body;
    body.reserve(qsizetype(count) * 13);
    for (int n = 1; n <= count; ++n) {
        body += "line ";
        body += QByteArray::number(n);
        body += '\n';
    }
    return body;
}

// --- a handler that writes as fast as it may and records what flow control told it ---------

struct ProbeStats
{
    std::atomic<qint64> produced{0};
    std::atomic<qint64> maxQueued{0};  // the request's queued output right after each write
    std::atomic<int> refusals{0};      // canWrite() said no
    std::atomic<int> writables{0};     // writable() came
};

char probeByte(qint64 offset)
{
    return char((offset * 131 + (offset >> 9)) & 0xff);
}

constexpr qint64 kProbeChunk = 16 * 1024;

class ProbeSession final : public QObject
{
public:
    ProbeSession(Request *request, qint64 total, std::shared_ptr<ProbeStats> stats)
        : QObject(request), m_request(request), m_total(total), m_stats(std::move(stats))
    {
        connect(request, &Request::writable, this, [this] {
            ++m_stats->writables;
            produce();
        });
    }

    void produce()
    {
        while (m_sent < m_total) {
            if (!m_request->canWrite()) {
                ++m_stats->refusals;
                return; // writable() follows once there is room
            }
            const qsizetype size = qsizetype(qMin(kProbeChunk, m_total - m_sent));
            QByteArray chunk(size, Qt::Uninitialized);
            for (qsizetype i = 0; i < size; ++i)
                chunk[i] = probeByte(m_sent + i);
            m_request->write(chunk);
            m_sent += size;
            m_stats->produced = m_sent;
            const qint64 queued = m_request->queuedOutputBytes();
            if (queued > m_stats->maxQueued)
                m_stats->maxQueued = queued;
        }
        m_request->end();
    }

private:
    Request *m_request;
    qint64 m_total;
    qint64 m_sent = 0;
    std::shared_ptr<ProbeStats> m_stats;
};

// /probe?bytes=N: N bytes of probeByte(), written in 16 KiB pieces while canWrite() allows.
class ProbeHandler final : public Handler
{
public:
    explicit ProbeHandler(std::shared_ptr<ProbeStats> stats) : m_stats(std::move(stats)) {}
    void handle(Request *request) override
    {
        request->setStatus(200);
        request->setHeader("Content-Type", "application/octet-stream");
        auto *session = new ProbeSession(request, request->queryValue("bytes").toLongLong(), m_stats);
        session->produce();
    }

private:
    std::shared_ptr<ProbeStats> m_stats;
};

} // namespace

class tst_FlowControl : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void pausedReaderKeepsQueuesBounded_data();
    void pausedReaderKeepsQueuesBounded();
    void handlerSeesBackPressure_data();
    void handlerSeesBackPressure();
    void echoSpoolsWhileNobodyReads_data();
    void echoSpoolsWhileNobodyReads();
};

void tst_FlowControl::pausedReaderKeepsQueuesBounded_data()
{
    addTransportRows();
}

// /stream?count=2000000 and a 64 MiB /echo on one connection whose reader has stopped reading.
// Polled over a second connection, the queued output stays under the caps the whole time the
// reader sleeps, while the echo body is still read in full; then the reader wakes and both
// responses arrive whole.
void tst_FlowControl::pausedReaderKeepsQueuesBounded()
{
    QFETCH(QString, transport);
    constexpr int kLines = 2000000;
    constexpr qint64 kEchoBytes = 64 * kMiB;
    constexpr quint16 kStreamId = 0x0515;
    constexpr quint16 kEchoId = 0x0E0E;
    constexpr int kSamplesAfterInput = 40; // "for a while": polls once the whole body is in

    TestServer server(transport, flowConfig());
    QVERIFY(server.start());
    FcgiClient *reader = server.connectClient();
    FcgiClient *monitor = server.connectClient();
    QVERIFY(reader && monitor);
    reader->setReadingPaused(true);
    QSignalSpy readerErrors(reader, &FcgiClient::protocolError);

    QCOMPARE(sendGet(*reader, "/stream?count=" + QByteArray::number(kLines), kStreamId), kStreamId);
    QCOMPARE(reader->beginRequest(FcgiClient::requestParams("POST", "/echo", kEchoBytes,
                                                            "application/octet-stream"),
                                  Role::Responder, true, kEchoId),
             kEchoId);

    struct Sample
    {
        qint64 statusQueued = -1; // /status bytes.queued_out, over the monitor connection
        qint64 readerQueued = -1; // the reader connection's own queue, from the engine
        qint64 echoIn = -1;       // echo body bytes the engine has read
    };
    QList<Sample> samples;
    int samplesAfterInput = 0;
    Sample current;
    int partsPending = 0;
    quint16 statusId = 0;
    BodyGenerator generator;
    QCryptographicHash sentHash(QCryptographicHash::Sha256);
    qint64 fed = 0;
    bool inputEnded = false;
    QObject context;

    const auto sampleDone = [&] {
        if (--partsPending > 0)
            return;
        samples.append(current);
        if (current.echoIn == kEchoBytes)
            ++samplesAfterInput;
    };
    connect(monitor, &FcgiClient::requestEnded, &context, [&](quint16 id) {
        if (id != statusId)
            return;
        const auto cgi = parse(monitor->takeResponse(id));
        const QJsonObject status = cgi ? QJsonDocument::fromJson(cgi->body).object() : QJsonObject();
        current.statusQueued =
            status[QLatin1String("bytes")].toObject()[QLatin1String("queued_out")].toInteger(-1);
        sampleDone();
    });
    QTimer tick;
    tick.setInterval(10);
    connect(&tick, &QTimer::timeout, &context, [&] {
        // Feed the echo body, a few MiB ahead of the socket.
        while (fed < kEchoBytes && reader->bytesToWrite() < 4 * kMiB) {
            const QByteArray chunk = generator.next(qsizetype(qMin(kMiB, kEchoBytes - fed)));
            sentHash.addData(chunk);
            reader->sendStdin(kEchoId, chunk);
            fed += chunk.size();
        }
        if (fed == kEchoBytes && !inputEnded) {
            reader->sendStdin(kEchoId, {});
            inputEnded = true;
        }
        // One sample at a time: /status over the monitor connection, the engine's own view.
        if (partsPending > 0)
            return;
        current = Sample();
        partsPending = 2;
        statusId = sendGet(*monitor, "/status");
        server.engine().collectSnapshot(&context, [&](const QList<ActiveRequestInfo> &requests,
                                                      const QList<ConnectionSnapshot> &connections) {
            quint64 readerConnection = 0;
            for (const ActiveRequestInfo &r : requests) {
                if (r.requestId == kEchoId && r.uri == "/echo") {
                    readerConnection = r.connectionId;
                    current.echoIn = r.bytesIn;
                }
            }
            for (const ConnectionSnapshot &c : connections) {
                if (c.connectionId == readerConnection)
                    current.readerQueued = c.queuedBytes;
            }
            sampleDone();
        });
    });
    // Sample only once the engine has the echo request's PARAMS (a slow build, e.g. under
    // ThreadSanitizer, may not have read them by the first tick).
    QVERIFY(waitFor([&] {
        const EngineSnapshot now = snapshot(server.engine());
        return std::any_of(now.requests.cbegin(), now.requests.cend(), [&](const auto &r) {
            return r.requestId == kEchoId && r.uri == "/echo";
        });
    }, 10000));
    tick.start();
    QVERIFY2(waitFor([&] { return samplesAfterInput >= kSamplesAfterInput; }, 40000),
             qPrintable(QStringLiteral("fed %1, samples %2, echo body read %3")
                            .arg(fed).arg(samples.size())
                            .arg(samples.isEmpty() ? -1 : samples.last().echoIn)));
    tick.stop();

    qint64 maxStatus = 0;
    qint64 maxReader = 0;
    for (const Sample &s : std::as_const(samples)) {
        QVERIFY(s.statusQueued >= 0);
        QVERIFY(s.readerQueued >= 0);
        maxStatus = qMax(maxStatus, s.statusQueued);
        maxReader = qMax(maxReader, s.readerQueued);
    }
    qInfo("%d samples; queued output at most %lld (status) / %lld (reader connection)",
          int(samples.size()), maxStatus, maxReader);
    QVERIFY2(maxStatus <= kConnectionCap + kSlack, qPrintable(QString::number(maxStatus)));
    QVERIFY2(maxReader <= kConnectionCap + kSlack, qPrintable(QString::number(maxReader)));
    // The pressure was real: the queue filled up to the cap while nobody read.
    QVERIFY2(maxReader >= kConnectionCap, qPrintable(QString::number(maxReader)));
    QVERIFY(!reader->response(kStreamId).ended);
    QVERIFY(!reader->response(kEchoId).ended);

    reader->setReadingPaused(false);
    QVERIFY(waitFor([&] { return reader->response(kStreamId).ended && reader->response(kEchoId).ended; },
                    60000));
    QCOMPARE(readerErrors.count(), 0);

    const auto stream = parse(reader->takeResponse(kStreamId));
    QVERIFY(stream);
    QCOMPARE(stream->status, 200);
    const QByteArray expectedStream = streamBody(kLines);
    QCOMPARE(stream->body.size(), expectedStream.size());
    QVERIFY(stream->body == expectedStream);

    const auto echo = parse(reader->takeResponse(kEchoId));
    QVERIFY(echo);
    QCOMPARE(echo->status, 200);
    QCOMPARE(echo->body.size(), kEchoBytes);
    QCOMPARE(sha256(echo->body).toHex(), sentHash.result().toHex());
}

void tst_FlowControl::handlerSeesBackPressure_data()
{
    addTransportRows();
}

// The Request API seen from a handler: canWrite() turns false near the high-water mark, the
// request's queue stays under it (plus one write), writable() comes once the reader reads again.
void tst_FlowControl::handlerSeesBackPressure()
{
    QFETCH(QString, transport);
    constexpr qint64 kBytes = 32 * kMiB; // more than the kernel's socket buffers hold
    ServerConfig config = flowConfig();
    config.connectionOutputCapBytes = 4 * kMiB; // only the per-request mark binds here
    TestServer server(transport, config);
    auto stats = std::make_shared<ProbeStats>();
    server.engine().router().mount(QStringLiteral("/probe"), std::make_shared<ProbeHandler>(stats));
    QVERIFY(server.start());
    FcgiClient *reader = server.connectClient();
    QVERIFY(reader);
    reader->setReadingPaused(true);

    const quint16 id = sendGet(*reader, "/probe?bytes=" + QByteArray::number(kBytes));
    QVERIFY(waitFor([&] { return stats->refusals > 0; }, 10000));
    // Let the kernel's buffers fill: production stops, for 300 ms in a row.
    qint64 last = -1;
    QElapsedTimer quiet;
    quiet.start();
    QVERIFY(waitFor([&] {
        if (stats->produced != last) {
            last = stats->produced;
            quiet.restart();
        }
        return quiet.elapsed() > 300;
    }, 20000));
    qInfo("produced %lld of %lld while not read; the request's queue peaked at %lld",
          qint64(stats->produced), kBytes, qint64(stats->maxQueued));
    QVERIFY(stats->produced < kBytes);
    QVERIFY2(stats->maxQueued <= kHighWater + kProbeChunk + 64,
             qPrintable(QString::number(stats->maxQueued)));
    QVERIFY(!reader->response(id).ended);

    reader->setReadingPaused(false);
    QVERIFY(waitEnded(*reader, id, 60000));
    QVERIFY(stats->writables > 0);
    const auto cgi = parse(reader->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->body.size(), kBytes);
    for (qint64 i = 0; i < kBytes; ++i) {
        if (cgi->body.at(i) != probeByte(i))
            QFAIL(qPrintable(QStringLiteral("wrong byte at offset %1").arg(i)));
    }
}

void tst_FlowControl::echoSpoolsWhileNobodyReads_data()
{
    addTransportRows();
}

// The classic deadlock: a front end sends the whole body before it reads the response. The
// engine reads all 20 MiB while nothing is read back (spooling what it cannot send), with
// bounded queues; once read, every byte comes back intact.
void tst_FlowControl::echoSpoolsWhileNobodyReads()
{
    QFETCH(QString, transport);
    constexpr qint64 kBytes = 20 * kMiB;
    TestServer server(transport, flowConfig());
    QVERIFY(server.start());
    FcgiClient *reader = server.connectClient();
    QVERIFY(reader);
    reader->setReadingPaused(true);

    BodyGenerator generator;
    const QByteArray body = generator.next(kBytes);
    const quint16 id = reader->beginRequest(
        FcgiClient::requestParams("POST", "/echo", kBytes, "application/octet-stream"));
    reader->sendStdin(id, body);
    reader->sendStdin(id, {});

    qint64 received = 0;
    QVERIFY2(waitFor([&] {
        const EngineSnapshot now = snapshot(server.engine());
        for (const ActiveRequestInfo &r : now.requests)
            received = r.bytesIn;
        return received == kBytes;
    }, 30000), qPrintable(QStringLiteral("engine read %1 of %2").arg(received).arg(kBytes)));
    QVERIFY(waitFor([&] { return reader->bytesToWrite() == 0; }, 10000));
    QVERIFY2(server.counters().queuedOutputBytes <= kHighWater + kSlack,
             qPrintable(QString::number(server.counters().queuedOutputBytes)));
    QVERIFY(!reader->response(id).ended);

    reader->setReadingPaused(false);
    QVERIFY(waitEnded(*reader, id, 60000));
    const auto cgi = parse(reader->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->body.size(), kBytes);
    QCOMPARE(sha256(cgi->body).toHex(), sha256(body).toHex());
}

QTEST_GUILESS_MAIN(tst_FlowControl)
#include "tst_flowcontrol.moc"
