// A channel's bounded history (count, bytes, age) and the resume rule: exactly the missed
// messages in order, or a reset when the id is out of history, from another epoch, or unknown.
#include "handlers/hub/channelhistory.h"

#include <QTest>

using namespace afcgi;

namespace {
constexpr quint64 kEpoch = 1000;

HubMessage message(const ChannelHistory &h, qint64 atMs, QByteArray data = "x")
{
    return makeHubMessage("c", h.nextId(), {}, data, atMs);
}

QList<quint64> sequences(const QList<HubMessage> &messages)
{
    QList<quint64> out;
    for (const HubMessage &m : messages)
        out.append(m.id.sequence);
    return out;
}
} // namespace

class tst_ChannelHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void idsAreContiguous();
    void resume_data();
    void resume();
    void countLimit();
    void byteLimit();
    void ageLimitCountsBeforeExpire();
    void gapFromSharedStoreRestarts();
    void frameIsEncodedOnce();
};

void tst_ChannelHistory::idsAreContiguous()
{
    ChannelHistory h(kEpoch, {});
    QCOMPARE(h.lastId(), (EventId{kEpoch, 0}));
    for (int i = 1; i <= 5; ++i) {
        h.append(message(h, 0), 0);
        QCOMPARE(h.lastId(), (EventId{kEpoch, quint64(i)}));
    }
}

void tst_ChannelHistory::resume_data()
{
    // A history of 10 messages kept 5 (6..10).
    QTest::addColumn<QByteArray>("last"); // empty: no id given
    QTest::addColumn<int>("reset");
    QTest::addColumn<QList<quint64>>("replayed");
    const auto r = [](ResetReason reason) { return int(reason); };
    QTest::newRow("no-id-starts-now") << QByteArray() << r(ResetReason::None) << QList<quint64>{};
    QTest::newRow("up-to-date") << QByteArray("1000:10") << r(ResetReason::None) << QList<quint64>{};
    QTest::newRow("missed-one") << QByteArray("1000:9") << r(ResetReason::None) << QList<quint64>{10};
    QTest::newRow("missed-all-kept") << QByteArray("1000:5") << r(ResetReason::None)
                                     << QList<quint64>{6, 7, 8, 9, 10};
    QTest::newRow("fell-out") << QByteArray("1000:4") << r(ResetReason::OutOfHistory) << QList<quint64>{};
    QTest::newRow("from-start-fell-out") << QByteArray("1000:0") << r(ResetReason::OutOfHistory)
                                         << QList<quint64>{};
    QTest::newRow("earlier-epoch") << QByteArray("999:10") << r(ResetReason::OtherEpoch) << QList<quint64>{};
    QTest::newRow("later-epoch") << QByteArray("1001:1") << r(ResetReason::OtherEpoch) << QList<quint64>{};
    QTest::newRow("ahead") << QByteArray("1000:11") << r(ResetReason::Unknown) << QList<quint64>{};
    QTest::newRow("epoch-zero") << QByteArray("0:0") << r(ResetReason::Unknown) << QList<quint64>{};
}

void tst_ChannelHistory::resume()
{
    QFETCH(QByteArray, last);
    QFETCH(int, reset);
    QFETCH(QList<quint64>, replayed);
    ChannelHistory h(kEpoch, {5, 1 << 20, 0});
    for (int i = 0; i < 10; ++i)
        h.append(message(h, 0), 0);
    QCOMPARE(h.count(), 5);
    const auto r = h.resume(last.isEmpty() ? std::nullopt : EventId::parse(last), 0);
    QCOMPARE(int(r.reset), reset);
    QCOMPARE(sequences(r.messages), replayed);
}

void tst_ChannelHistory::countLimit()
{
    ChannelHistory h(kEpoch, {3, 1 << 20, 0});
    for (int i = 0; i < 100; ++i)
        h.append(message(h, 0), 0);
    QCOMPARE(h.count(), 3);
    QCOMPARE(sequences(h.messages()), (QList<quint64>{98, 99, 100}));
}

void tst_ChannelHistory::byteLimit()
{
    // Messages 1..9 cost the same; message 10 one byte more (its id has two digits).
    const HubMessage probe = makeHubMessage("c", {kEpoch, 1}, {}, QByteArray(100, 'a'), 0);
    ChannelHistory h(kEpoch, {1000, probe.cost() * 4 + 1, 0});
    qint64 dropped = 0;
    for (int i = 0; i < 10; ++i)
        dropped += h.append(message(h, 0, QByteArray(100, 'a')), 0);
    QCOMPARE(h.count(), 4);
    QCOMPARE(h.bytes(), probe.cost() * 4 + 1);
    QCOMPARE(dropped, probe.cost() * 6);
    // One message larger than the whole budget is not kept at all, but still numbered.
    h.append(message(h, 0, QByteArray(int(probe.cost() * 5), 'b')), 0);
    QCOMPARE(h.count(), 0);
    QCOMPARE(h.lastId().sequence, quint64(11));
    QCOMPARE(int(h.resume(EventId{kEpoch, 10}, 0).reset), int(ResetReason::OutOfHistory));
    QCOMPARE(int(h.resume(EventId{kEpoch, 11}, 0).reset), int(ResetReason::None));
}

void tst_ChannelHistory::ageLimitCountsBeforeExpire()
{
    ChannelHistory h(kEpoch, {100, 1 << 20, 1000});
    h.append(message(h, 0), 0);       // 1
    h.append(message(h, 500), 500);   // 2
    h.append(message(h, 1200), 1200); // 3 (1 is now past the age limit, dropped by the trim)
    QCOMPARE(sequences(h.messages()), (QList<quint64>{2, 3}));
    // At 1600, message 2 is too old although nothing expired it yet: resuming after 1 resets.
    QCOMPARE(int(h.resume(EventId{kEpoch, 1}, 1600).reset), int(ResetReason::OutOfHistory));
    QCOMPARE(sequences(h.resume(EventId{kEpoch, 2}, 1600).messages), QList<quint64>{3});
    h.expire(1600);
    QCOMPARE(sequences(h.messages()), QList<quint64>{3});
    h.expire(5000);
    QCOMPARE(h.count(), 0);
    QCOMPARE(h.bytes(), 0);
    QCOMPARE(int(h.resume(EventId{kEpoch, 3}, 5000).reset), int(ResetReason::None));
    QCOMPARE(int(h.resume(EventId{kEpoch, 2}, 5000).reset), int(ResetReason::OutOfHistory));
}

void tst_ChannelHistory::gapFromSharedStoreRestarts()
{
    ChannelHistory h(kEpoch, {});
    h.append(message(h, 0), 0);
    h.append(makeHubMessage("c", {kEpoch, 7}, {}, "x", 0), 0);
    QCOMPARE(sequences(h.messages()), QList<quint64>{7});
    QCOMPARE(int(h.resume(EventId{kEpoch, 1}, 0).reset), int(ResetReason::OutOfHistory));
    QCOMPARE(sequences(h.resume(EventId{kEpoch, 6}, 0).messages), QList<quint64>{7});
}

void tst_ChannelHistory::frameIsEncodedOnce()
{
    ChannelHistory h(kEpoch, {});
    h.append(makeHubMessage("c", h.nextId(), "news", "a\nb", 0), 0);
    const QList<HubMessage> a = h.resume(EventId{kEpoch, 0}, 0).messages;
    const QList<HubMessage> b = h.resume(EventId{kEpoch, 0}, 0).messages;
    QCOMPARE(a.first().frame, QByteArray("id: 1000:1\nevent: news\ndata: a\ndata: b\n\n"));
    // Both replays share the history's bytes: implicit sharing, no copy.
    QCOMPARE(a.first().frame.constData(), b.first().frame.constData());
    QCOMPARE(a.first().frame.sliced(a.first().idLineEnd), QByteArray("event: news\ndata: a\ndata: b\n\n"));
}

QTEST_APPLESS_MAIN(tst_ChannelHistory)
#include "tst_channelhistory.moc"
