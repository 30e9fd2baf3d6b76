// The Channels tab: its model fed with ticks (monitor protocol r3 `channels`), the note above the
// table, and the page inside the window, all without a socket.

#include "channelmodel.h"
#include "channelspage.h"
#include "mainwindow.h"

#include <QAbstractItemModelTester>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace afcgi::gui;
using namespace afcgi::monitor;

namespace {
ChannelGauge gauge(const QString &name, qint64 subscribers, double rate = 0, qint64 messages = 0,
                   const QString &lastId = {})
{
    return { name, subscribers, rate, messages, lastId };
}

Tick channelTick(QList<ChannelGauge> channels, qint64 dropped = 0)
{
    Tick t;
    t.channels = std::move(channels);
    t.channelsDropped = dropped;
    return t;
}

QStringList namesOf(const ChannelModel &model)
{
    QStringList names;
    for (int row = 0; row < model.rowCount(); ++row)
        names.append(model.channelAt(row).name);
    return names;
}
} // namespace

class tst_ChannelsPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void ticksReplaceTheList_data();
    void ticksReplaceTheList();
    void updatesInPlace();
    void displayAndSort();
    void note();
    void windowHasChannelsTab();
};

void tst_ChannelsPage::ticksReplaceTheList_data()
{
    QTest::addColumn<QList<QStringList>>("ticks");
    QTest::addColumn<QStringList>("expected"); // rows after the last tick, in model order
    QTest::newRow("first-tick") << QList<QStringList>{{"a", "b"}} << QStringList{"a", "b"};
    QTest::newRow("new-appends") << QList<QStringList>{{"a"}, {"b", "a"}} << QStringList{"a", "b"};
    QTest::newRow("missing-goes") << QList<QStringList>{{"a", "b", "c"}, {"c"}} << QStringList{"c"};
    QTest::newRow("middle-goes") << QList<QStringList>{{"a", "b", "c", "d"}, {"a", "d"}}
                                 << QStringList{"a", "d"};
    QTest::newRow("gone-and-new") << QList<QStringList>{{"a", "b", "c"}, {"b", "x", "y"}}
                                  << QStringList{"b", "x", "y"};
    QTest::newRow("all-gone") << QList<QStringList>{{"a", "b"}, {}} << QStringList{};
    QTest::newRow("repeated-name") << QList<QStringList>{{"a", "a", "b"}} << QStringList{"a", "b"};
    QTest::newRow("comes-back") << QList<QStringList>{{"a", "b"}, {"b"}, {"a", "b"}}
                                << QStringList{"b", "a"};
}

void tst_ChannelsPage::ticksReplaceTheList()
{
    QFETCH(QList<QStringList>, ticks);
    QFETCH(QStringList, expected);
    ChannelModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const QStringList &names : ticks) {
        QList<ChannelGauge> channels;
        for (const QString &name : names)
            channels.append(gauge(name, 1));
        model.applyTick(channelTick(channels));
    }
    QCOMPARE(namesOf(model), expected);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.findRow(expected.at(row)), row);
    QCOMPARE(model.findRow(QStringLiteral("nowhere")), -1);
}

void tst_ChannelsPage::updatesInPlace()
{
    ChannelModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applyTick(channelTick({gauge("news", 3, 0, 0), gauge("chat", 1)}));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyTick(channelTick({gauge("chat", 2, 1.5, 7, "17:7"), gauge("news", 4, 0.25, 1, "17:1")}));
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(changed.count(), 1); // one signal over every row
    QCOMPARE(namesOf(model), (QStringList{"news", "chat"}));
    QCOMPARE(model.channelAt(1).subscribers, 2);
    QCOMPARE(model.channelAt(1).lastId, QStringLiteral("17:7"));
    // A tick without `channels` (no hub, or an older service) leaves the rows alone.
    model.applyTick(Tick{});
    QCOMPARE(model.rowCount(), 2);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.hubKnown());
}

void tst_ChannelsPage::displayAndSort()
{
    ChannelsPage page(nullptr);
    page.applyTick(channelTick({gauge("quiet", 2, 0, 0), gauge("busy", 1200, 12.5, 123456, "1733:123456"),
                                gauge("mid", 30, 1, 9, "1733:9")}));
    const ChannelModel *m = page.model();
    const int busy = m->findRow(QStringLiteral("busy"));
    const auto text = [m](int row, int column) { return m->index(row, column).data().toString(); };
    QCOMPARE(text(busy, ChannelModel::ChannelColumn), QStringLiteral("busy"));
    QCOMPARE(text(busy, ChannelModel::SubscribersColumn), QStringLiteral("1,200"));
    QCOMPARE(text(busy, ChannelModel::RateColumn), QStringLiteral("12.5/s"));
    QCOMPARE(text(busy, ChannelModel::MessagesColumn), QStringLiteral("123,456"));
    QCOMPARE(text(busy, ChannelModel::LastIdColumn), QStringLiteral("1733:123456"));
    QCOMPARE(text(m->findRow(QStringLiteral("quiet")), ChannelModel::LastIdColumn), QStringLiteral("–"));
    QCOMPARE(m->headerData(ChannelModel::RateColumn, Qt::Horizontal).toString(), QStringLiteral("Messages/s"));

    // The view sorts by subscribers, most first, by the numbers rather than their text.
    const QAbstractItemModel *shown = page.view()->model();
    const auto column = [shown](int c) {
        QStringList out;
        for (int row = 0; row < shown->rowCount(); ++row)
            out.append(shown->index(row, c).data().toString());
        return out;
    };
    QCOMPARE(column(ChannelModel::ChannelColumn), (QStringList{"busy", "mid", "quiet"}));
    page.view()->sortByColumn(ChannelModel::RateColumn, Qt::AscendingOrder);
    QCOMPARE(column(ChannelModel::ChannelColumn), (QStringList{"quiet", "mid", "busy"}));
    // A later tick re-sorts the rows it changes.
    page.applyTick(channelTick({gauge("quiet", 2, 50, 100), gauge("busy", 1200, 12.5, 123457),
                                gauge("mid", 30, 1, 10)}));
    QCOMPARE(column(ChannelModel::ChannelColumn), (QStringList{"mid", "busy", "quiet"}));
}

void tst_ChannelsPage::note()
{
    ChannelsPage page(nullptr);
    QCOMPARE(page.noteText(), QStringLiteral("Waiting for the service…"));
    page.applyTick(Tick{});
    QVERIFY2(page.noteText().contains(QStringLiteral("--hub")), qPrintable(page.noteText()));
    page.applyTick(channelTick({}));
    QVERIFY2(page.noteText().startsWith(QStringLiteral("No channels yet")), qPrintable(page.noteText()));
    page.applyTick(channelTick({gauge("a", 1), gauge("b", 1)}, 1234));
    QCOMPARE(page.noteText(), QStringLiteral("2 channels; 1,234 more not shown (the service sends its busiest)."));
    page.clear();
    QCOMPARE(page.model()->rowCount(), 0);
    QCOMPARE(page.noteText(), QStringLiteral("Waiting for the service…"));
}

void tst_ChannelsPage::windowHasChannelsTab()
{
    MainWindow window(QStringLiteral("tst-channelspage-%1").arg(QCoreApplication::applicationPid()));
    auto *page = window.findChild<ChannelsPage *>();
    QVERIFY(page);
    const int tab = window.tabs()->indexOf(page);
    QVERIFY(tab >= 0);
    QCOMPARE(window.tabs()->tabText(tab).remove(QLatin1Char('&')), QStringLiteral("Channels"));
    // Fed by the window's client: a tick reaches the page, a new hello empties it.
    Q_EMIT window.client()->tickReceived(channelTick({gauge("news", 5, 1, 3, "9:3")}));
    QCOMPARE(page->model()->rowCount(), 1);
    Hello hello;
    hello.pid = 42;
    hello.tickIntervalMs = 250;
    Q_EMIT window.client()->helloReceived(hello);
    QCOMPARE(page->model()->rowCount(), 0);
}

QTEST_MAIN(tst_ChannelsPage)
#include "tst_channelspage.moc"
