// Who may publish: the allow list (addresses, subnets, IPv4-mapped IPv6) and the secret.
#include "handlers/hub/publishauth.h"

#include <QTest>

using namespace afcgi;

class tst_PublishAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void allows_data();
    void allows();
    void badEntry();
    void constantTimeEquals();
};

void tst_PublishAuth::allows_data()
{
    QTest::addColumn<QStringList>("allow");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("peer");
    QTest::addColumn<QByteArray>("presented");
    QTest::addColumn<bool>("allowed");
    const QStringList none;
    const QStringList lan{QStringLiteral("10.0.0.0/8"), QStringLiteral("192.0.2.7")};
    QTest::newRow("default-loopback") << none << QByteArray() << QByteArray("127.0.0.1") << QByteArray() << true;
    QTest::newRow("default-loopback-v6") << none << QByteArray() << QByteArray("::1") << QByteArray() << true;
    QTest::newRow("default-other") << none << QByteArray() << QByteArray("192.0.2.1") << QByteArray() << false;
    QTest::newRow("default-no-peer") << none << QByteArray() << QByteArray() << QByteArray() << false;
    QTest::newRow("subnet-in") << lan << QByteArray() << QByteArray("10.1.2.3") << QByteArray() << true;
    QTest::newRow("subnet-mapped") << lan << QByteArray() << QByteArray("::ffff:10.1.2.3") << QByteArray() << true;
    QTest::newRow("single-in") << lan << QByteArray() << QByteArray("192.0.2.7") << QByteArray() << true;
    QTest::newRow("single-out") << lan << QByteArray() << QByteArray("192.0.2.8") << QByteArray() << false;
    QTest::newRow("list-replaces-loopback") << lan << QByteArray() << QByteArray("127.0.0.1") << QByteArray() << false;
    QTest::newRow("secret-right") << none << QByteArray("s3cret") << QByteArray("192.0.2.1")
                                  << QByteArray("s3cret") << true;
    QTest::newRow("secret-wrong") << none << QByteArray("s3cret") << QByteArray("192.0.2.1")
                                  << QByteArray("s3crex") << false;
    QTest::newRow("secret-prefix") << none << QByteArray("s3cret") << QByteArray("192.0.2.1")
                                   << QByteArray("s3cre") << false;
    QTest::newRow("secret-only-no-loopback") << none << QByteArray("s3cret") << QByteArray("127.0.0.1")
                                             << QByteArray() << false;
    QTest::newRow("secret-or-list") << lan << QByteArray("s3cret") << QByteArray("10.0.0.1")
                                    << QByteArray("wrong") << true;
}

void tst_PublishAuth::allows()
{
    QFETCH(QStringList, allow);
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, peer);
    QFETCH(QByteArray, presented);
    const PublishAuth auth(allow, secret);
    QVERIFY(auth.isValid());
    QTEST(auth.allows(peer, presented), "allowed");
}

void tst_PublishAuth::badEntry()
{
    const PublishAuth auth({QStringLiteral("10.0.0.0/8"), QStringLiteral("not-an-address")}, {});
    QVERIFY(!auth.isValid());
    QVERIFY(auth.errorString().contains(QLatin1String("not-an-address")));
}

void tst_PublishAuth::constantTimeEquals()
{
    QVERIFY(PublishAuth::constantTimeEquals("abc", "abc"));
    QVERIFY(!PublishAuth::constantTimeEquals("abc", "abd"));
    QVERIFY(!PublishAuth::constantTimeEquals("abc", "ab"));
    QVERIFY(PublishAuth::constantTimeEquals("", ""));
}

QTEST_APPLESS_MAIN(tst_PublishAuth)
#include "tst_publishauth.moc"
