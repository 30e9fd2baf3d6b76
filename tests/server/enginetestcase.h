#pragma once
// The base and the shared pieces of the in-process engine suites (tst_engine_*, tst_flowcontrol):
// the warning policy of enginetestsupport.h around every test, the transport rows, and the
// handlers and bodies several suites use.

#include "enginetestsupport.h"

#include <QByteArray>
#include <QObject>
#include <QRegularExpression>
#include <QString>

namespace enginetest {

class EngineTestCase : public QObject
{
    Q_OBJECT
protected Q_SLOTS: // protected: a suite with its own may call these first
    void initTestCase();    // EngineLog takes the engine's messages for the whole suite
    void cleanupTestCase();
    void init();            // any warning fails the test unless EngineLog::expect()ed...
    void cleanup();         // ...and an expected one that never came fails it too
};

// The "transport" column, with a tcp and a unix row.
void addTransportRows();

// Mounts /stderr (a line on STDERR, a short body, appStatus 3) and /authz (an AUTHORIZER that
// lets everyone in as alice and refuses the RESPONDER role).
void mountTestHandlers(TestServer &server);

// A body that names its request, so that a response given to the wrong request shows.
QByteArray echoBody(int index);

// The engine's warning when it closes a connection for this protocol error.
QRegularExpression protocolErrorWarning(const QString &reason);

} // namespace enginetest
