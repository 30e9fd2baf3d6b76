// The monitor protocol's admin commands (revision 4): each command's valid and malformed forms,
// and the answers' new fields (ack's message and settings, error's cmd, hello's admin).
#include "monitorprotocol.h"

#include <QTest>

using namespace afcgi::monitor;

class tst_MonitorCommands : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void validCommands_data();
    void validCommands();
    void malformedCommands_data();
    void malformedCommands();
    void commandRoundTrip();
    void answersRoundTrip();
    void olderAnswersStillRead();
};

void tst_MonitorCommands::validCommands_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("cmd");
    QTest::addColumn<qint64>("connectionId"); // -1: absent
    QTest::addColumn<int>("requestId");       // -1: absent
    QTest::addColumn<QString>("listener");
    QTest::addColumn<QString>("limit");
    QTest::addColumn<qint64>("value"); // -1: absent
    QTest::newRow("reload") << QByteArray(R"({"cmd":"reload"})") << "reload" << -1ll << -1 << "" << "" << -1ll;
    QTest::newRow("drain") << QByteArray(R"({"cmd":"drain"})") << "drain" << -1ll << -1 << "" << "" << -1ll;
    QTest::newRow("stop") << QByteArray(R"({"cmd":"stop"})") << "stop" << -1ll << -1 << "" << "" << -1ll;
    QTest::newRow("config") << QByteArray(R"({"cmd":"config"})") << "config" << -1ll << -1 << "" << "" << -1ll;
    QTest::newRow("abort-request")
        << QByteArray(R"({"cmd":"abort-request","connection_id":3,"request_id":1})") << "abort-request"
        << 3ll << 1 << "" << "" << -1ll;
    QTest::newRow("abort-request-big-ids")
        << QByteArray(R"({"cmd":"abort-request","connection_id":9007199254740991,"request_id":65535})")
        << "abort-request" << 9007199254740991ll << 65535 << "" << "" << -1ll;
    QTest::newRow("close-connection") << QByteArray(R"({"cmd":"close-connection","connection_id":0})")
                                      << "close-connection" << 0ll << -1 << "" << "" << -1ll;
    QTest::newRow("pause-listener") << QByteArray(R"({"cmd":"pause-listener","listener":"127.0.0.1:9000"})")
                                    << "pause-listener" << -1ll << -1 << "127.0.0.1:9000" << "" << -1ll;
    QTest::newRow("resume-listener") << QByteArray(R"({"cmd":"resume-listener","listener":"[::1]:9000"})")
                                     << "resume-listener" << -1ll << -1 << "[::1]:9000" << "" << -1ll;
    QTest::newRow("set-limit") << QByteArray(R"({"cmd":"set-limit","limit":"max-conns","value":50})")
                               << "set-limit" << -1ll << -1 << "" << "max-conns" << 50ll;
    QTest::newRow("set-limit-zero") << QByteArray(R"({"cmd":"set-limit","limit":"idle-timeout","value":0})")
                                    << "set-limit" << -1ll << -1 << "" << "idle-timeout" << 0ll;
    QTest::newRow("unknown-fields-ignored") << QByteArray(R"({"cmd":"drain","why":"deploy"})")
                                            << "drain" << -1ll << -1 << "" << "" << -1ll;
}

void tst_MonitorCommands::validCommands()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, cmd);
    QFETCH(qint64, connectionId);
    QFETCH(int, requestId);
    QFETCH(QString, listener);
    QFETCH(QString, limit);
    QFETCH(qint64, value);
    QString error;
    const std::optional<Command> c = decodeCommand(line, &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->cmd, cmd);
    QCOMPARE(c->connectionId ? qint64(*c->connectionId) : -1ll, connectionId);
    QCOMPARE(c->requestId ? int(*c->requestId) : -1, requestId);
    QCOMPARE(c->listener, listener);
    QCOMPARE(c->limit, limit);
    QCOMPARE(c->value.value_or(-1), value);
}

void tst_MonitorCommands::malformedCommands_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("connection-id-string") << QByteArray(R"({"cmd":"close-connection","connection_id":"3"})")
                                          << "command.connection_id";
    QTest::newRow("connection-id-negative") << QByteArray(R"({"cmd":"close-connection","connection_id":-1})")
                                            << "command.connection_id";
    QTest::newRow("connection-id-fraction") << QByteArray(R"({"cmd":"close-connection","connection_id":1.5})")
                                            << "command.connection_id";
    QTest::newRow("request-id-over-16-bits") << QByteArray(R"({"cmd":"abort-request","connection_id":1,"request_id":65536})")
                                             << "command.request_id";
    QTest::newRow("listener-number") << QByteArray(R"({"cmd":"pause-listener","listener":9000})")
                                     << "command.listener";
    QTest::newRow("limit-array") << QByteArray(R"({"cmd":"set-limit","limit":["max-conns"],"value":1})")
                                 << "command.limit";
    QTest::newRow("value-string") << QByteArray(R"({"cmd":"set-limit","limit":"max-conns","value":"50"})")
                                  << "command.value";
    QTest::newRow("value-bool") << QByteArray(R"({"cmd":"set-limit","limit":"max-conns","value":true})")
                                << "command.value";
}

void tst_MonitorCommands::malformedCommands()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!decodeCommand(line, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_MonitorCommands::commandRoundTrip()
{
    Command c;
    c.cmd = QStringLiteral("abort-request");
    c.connectionId = 42;
    c.requestId = 7;
    QCOMPARE(encode(c), QByteArray(R"({"cmd":"abort-request","connection_id":42,"request_id":7})" "\n"));
    Command s;
    s.cmd = QStringLiteral("set-limit");
    s.limit = QStringLiteral("max-conns");
    s.value = 0;
    const QByteArray line = encode(s);
    QCOMPARE(line, QByteArray(R"({"cmd":"set-limit","limit":"max-conns","value":0})" "\n"));
    const auto back = decodeCommand(QByteArrayView(line).chopped(1));
    QVERIFY(back);
    QCOMPARE(back->value, std::optional<qint64>(0));
    QVERIFY(!back->connectionId);
}

void tst_MonitorCommands::answersRoundTrip()
{
    Ack ack(QStringLiteral("config"));
    ack.settings.append({QStringLiteral("max-conns"), QStringLiteral("50"), QStringLiteral("command line"), true});
    const QByteArray line = encode(Message(ack));
    QCOMPARE(line, QByteArray(R"({"type":"ack","cmd":"config","settings":[{"key":"max-conns","live":true,"origin":"command line","value":"50"}]})" "\n"));
    const auto back = decodeMessage(QByteArrayView(line).chopped(1));
    QVERIFY(back);
    const Ack &a = std::get<Ack>(*back);
    QCOMPARE(a.settings.size(), 1);
    QCOMPARE(a.settings.first().origin, QStringLiteral("command line"));
    QVERIFY(a.settings.first().live);

    QCOMPARE(encode(Message(Ack(QStringLiteral("set-limit"), QStringLiteral("max-conns 10000 → 50")))),
             QByteArray(R"({"type":"ack","cmd":"set-limit","message":"max-conns 10000 → 50"})" "\n"));
    const QByteArray refused = encode(Message(Error(QStringLiteral("refused: read-only"), QStringLiteral("drain"))));
    QCOMPARE(refused, QByteArray(R"({"type":"error","cmd":"drain","message":"refused: read-only"})" "\n"));
    QCOMPARE(std::get<Error>(*decodeMessage(QByteArrayView(refused).chopped(1))).cmd, QStringLiteral("drain"));

    Hello hello;
    hello.admin = false;
    const auto h = decodeMessage(QByteArrayView(encode(Message(hello))).chopped(1));
    QVERIFY(h);
    QCOMPARE(std::get<Hello>(*h).admin, std::optional<bool>(false));
}

void tst_MonitorCommands::olderAnswersStillRead()
{
    // A revision-3 server: no message, settings, cmd or admin; absent stays "not told".
    const auto ack = decodeMessage(R"({"type":"ack","cmd":"snapshot"})");
    QVERIFY(ack);
    QVERIFY(std::get<Ack>(*ack).message.isEmpty());
    const auto error = decodeMessage(R"({"type":"error","message":"unknown command 'reload'"})");
    QVERIFY(error);
    QVERIFY(std::get<Error>(*error).cmd.isEmpty());
    const auto hello = decodeMessage(R"({"type":"hello","protocol":1})");
    QVERIFY(hello);
    QVERIFY(!std::get<Hello>(*hello).admin);
    QVERIFY(!decodeMessage(R"({"type":"ack","cmd":"config","settings":[{"value":"1"}]})")); // key required
}

QTEST_APPLESS_MAIN(tst_MonitorCommands)
#include "tst_monitorcommands.moc"
