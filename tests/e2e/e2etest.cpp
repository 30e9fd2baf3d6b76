#include "e2etest.h"

#include <QtTest>

namespace e2e {

void E2eTest::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    m_fixture = std::make_unique<ProcessFixture>();
    QVERIFY(m_fixture->isValid());
}

void E2eTest::cleanup()
{
    if (QTest::currentTestFailed() && m_fixture)
        qInfo().noquote() << "logs of the failed test:\n" + QString::fromLocal8Bit(m_fixture->allLogs());
    m_fixture.reset();
}

} // namespace e2e
