#include "protocol/requestidmap.h"

#include <QTest>

#include <algorithm>

using namespace afcgi;

// Each row is a script of operations, replayed on a RequestIdMap and on a QHash side by side;
// after every step the two must hold the same entries.
//   +5=7   insert (or replace) id 5 with value 7      -5   take id 5
//   *5=7   find id 5 and write 7 through the pointer  +1..300=2   insert ids 1 to 300
class tst_RequestIdMap : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesHash_data();
    void matchesHash();
    void takeReleasesTheValue();
    void constAccess();
};

namespace {

QList<quint16> sortedKeys(const RequestIdMap<int> &map)
{
    QList<quint16> keys = map.keys();
    std::sort(keys.begin(), keys.end());
    return keys;
}

QList<quint16> sortedKeys(const QHash<quint16, int> &hash)
{
    QList<quint16> keys = hash.keys();
    std::sort(keys.begin(), keys.end());
    return keys;
}

// QVERIFY/QCOMPARE return from the function they are in: call as QVERIFY(sameEntries(...)).
bool sameEntries(const RequestIdMap<int> &map, const QHash<quint16, int> &hash, const QString &step)
{
    bool same = map.size() == hash.size() && map.isEmpty() == hash.isEmpty()
                && sortedKeys(map) == sortedKeys(hash);
    int visited = 0;
    map.forEach([&](quint16 id, const int &value) {
        ++visited;
        same = same && hash.contains(id) && hash.value(id) == value;
    });
    same = same && visited == hash.size();
    for (auto it = hash.cbegin(); it != hash.cend(); ++it) {
        const int *found = map.find(it.key());
        same = same && found && *found == it.value() && map.value(it.key()) == it.value()
               && map.contains(it.key());
    }
    if (!same)
        qWarning().noquote() << "differs after" << step << "map" << sortedKeys(map) << "hash"
                             << sortedKeys(hash);
    return same;
}

// "12" or "1..300": the ids an operation names.
QList<quint16> idsOf(const QString &text)
{
    const QStringList bounds = text.split(QStringLiteral(".."));
    const uint first = bounds.first().toUInt();
    const uint last = bounds.last().toUInt();
    QList<quint16> ids;
    for (uint id = first; id <= last; ++id)
        ids.append(quint16(id));
    return ids;
}

} // namespace

void tst_RequestIdMap::matchesHash_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QList<quint16>>("absent"); // ids looked up (and taken) that must not be there

    QTest::newRow("empty") << QString() << QList<quint16>{0, 1, 65535};
    QTest::newRow("one-entry-inline") << "+1=10" << QList<quint16>{0, 2};
    QTest::newRow("replace-inline") << "+1=10 +1=11" << QList<quint16>{2};
    QTest::newRow("write-through-find") << "+1=10 *1=12" << QList<quint16>{2};
    QTest::newRow("take-inline-then-again") << "+1=10 -1 +1=20 -1 +1=30" << QList<quint16>{2};
    QTest::newRow("id-0-and-65535") << "+0=1 -0 +65535=2" << QList<quint16>{0, 1};
    QTest::newRow("second-id-spills") << "+1=10 +2=20" << QList<quint16>{3};
    QTest::newRow("spilled-replace") << "+1=10 +2=20 +1=11 *2=21" << QList<quint16>{3};
    QTest::newRow("spilled-emptied-and-reused") << "+1=10 +2=20 -1 -2 +3=30 +4=40 -3"
                                                << QList<quint16>{1, 2, 3};
    QTest::newRow("spilled-down-to-one") << "+7=1 +8=2 -7" << QList<quint16>{7};
    QTest::newRow("haproxy-300-in-flight") << "+1..300=5 -100..200 +150=9 *300=3"
                                           << QList<quint16>{100, 149, 151, 200, 301};
    QTest::newRow("nginx-keepalive-sequence") << "+1=1 -1 +1=2 -1 +1=3 -1 +1=4"
                                              << QList<quint16>{2};
}

void tst_RequestIdMap::matchesHash()
{
    QFETCH(QString, script);
    QFETCH(QList<quint16>, absent);

    RequestIdMap<int> map;
    QHash<quint16, int> hash;
    QVERIFY(sameEntries(map, hash, QStringLiteral("start")));
    for (const QString &step : script.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QChar op = step.at(0);
        const QString ids = step.mid(1).section(QLatin1Char('='), 0, 0);
        const int value = step.section(QLatin1Char('='), 1, 1).toInt();
        for (quint16 id : idsOf(ids)) {
            if (op == QLatin1Char('+')) {
                QCOMPARE(map.insert(id, value), value);
                hash.insert(id, value);
            } else if (op == QLatin1Char('-')) {
                const std::optional<int> taken = map.take(id);
                QVERIFY(taken.has_value());
                QCOMPARE(*taken, hash.take(id));
            } else if (op == QLatin1Char('*')) {
                int *found = map.find(id);
                QVERIFY(found);
                *found = value;
                hash[id] = value;
            } else {
                QFAIL(qPrintable(QStringLiteral("bad step ") + step));
            }
        }
        QVERIFY(sameEntries(map, hash, step));
    }
    for (quint16 id : std::as_const(absent)) {
        QVERIFY(!map.contains(id));
        QVERIFY(!map.find(id));
        QCOMPARE(map.value(id), 0);
        QVERIFY(!map.take(id).has_value());
        QVERIFY(!map.remove(id));
    }
    QVERIFY(sameEntries(map, hash, QStringLiteral("lookups of absent ids")));
}

void tst_RequestIdMap::takeReleasesTheValue()
{
    // A request's buffered bytes go with its entry, inline or spilled.
    const QByteArray bytes(100, 'x');
    RequestIdMap<QByteArray> map;
    map.insert(1, bytes);
    QVERIFY(!bytes.isDetached()); // shared with the map
    QCOMPARE(map.take(1).value(), bytes);
    QVERIFY(bytes.isDetached());

    map.insert(1, bytes);
    map.insert(2, bytes);
    QVERIFY(map.remove(1));
    QVERIFY(!bytes.isDetached());
    QVERIFY(map.remove(2));
    QVERIFY(bytes.isDetached());
}

void tst_RequestIdMap::constAccess()
{
    RequestIdMap<int> map;
    map.insert(3, 30);
    const RequestIdMap<int> &view = map;
    QCOMPARE(*view.find(3), 30);
    QCOMPARE(view.keys(), QList<quint16>{3});
    map.insert(4, 40);
    QCOMPARE(*view.find(4), 40);
    QCOMPARE(view.size(), 2);
}

QTEST_APPLESS_MAIN(tst_RequestIdMap)
#include "tst_requestidmap.moc"
