#include "enginetestcase.h"

#include <afcgi/handler.h>
#include <afcgi/request.h>

#include <QTest>

using namespace afcgi;

namespace enginetest {

namespace {

class StderrHandler final : public Handler
{
public:
    void handle(Request *request) override
    {
        request->writeStderr("stderr line\n");
        request->setStatus(200);
        request->setHeader("Content-Type", "text/plain");
        request->write("out\n");
        request->end(3);
    }
};

class AuthorizerHandler final : public Handler
{
public:
    void handle(Request *request) override
    {
        request->setHeader("Variable-AUTH_USER", "alice");
        request->respond(200, "text/plain", {});
    }
    bool supportsRole(Role role) const override { return role == Role::Authorizer; }
};

} // namespace

void EngineTestCase::initTestCase()
{
    EngineLog::install();
}

void EngineTestCase::cleanupTestCase()
{
    EngineLog::uninstall();
}

void EngineTestCase::init()
{
    EngineLog::reset();
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void EngineTestCase::cleanup()
{
    const QStringList problems = EngineLog::problems();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

void addTransportRows()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("unix") << QStringLiteral("unix");
}

void mountTestHandlers(TestServer &server)
{
    server.engine().router().mount(QStringLiteral("/stderr"), std::make_shared<StderrHandler>());
    server.engine().router().mount(QStringLiteral("/authz"), std::make_shared<AuthorizerHandler>());
}

QByteArray echoBody(int index)
{
    const QByteArray unit = '<' + QByteArray::number(index) + '>';
    const qsizetype size = index % 97 == 1 ? 150000 : 16 + (qsizetype(index) * 7919) % 20000;
    QByteArray body;
    body.reserve(size + unit.size());
    while (body.size() < size)
        body += unit;
    body.truncate(size);
    return body;
}

QRegularExpression protocolErrorWarning(const QString &reason)
{
    return QRegularExpression(QStringLiteral("^afcgi\\.server\\.conn: conn \\d+ \\S+ closed: protocol error: ")
                              + QRegularExpression::escape(reason));
}

} // namespace enginetest
