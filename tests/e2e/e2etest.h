#pragma once
// The base of every end-to-end suite: a fresh ProcessFixture for each test function (so each
// starts its own processes in its own directory, and they are stopped when it ends), any
// warning a failure, and every process's log printed when a test function failed.

#include "processfixture.h"

#include <QObject>

#include <memory>

namespace e2e {

class E2eTest : public QObject
{
    Q_OBJECT
protected:
    std::unique_ptr<ProcessFixture> m_fixture;

private Q_SLOTS:
    void init();
    void cleanup();
};

} // namespace e2e
