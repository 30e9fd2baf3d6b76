#pragma once
// One soak connection: keeps up to `depth` requests of the mix in flight (request id i in slot
// i - 1), checks every answer as its records arrive, sends the aborts the mix asks for, and
// drops itself abruptly (then reconnects) when the mix draws a disconnect.

#include "latencyrecorder.h"
#include "recordsocket.h"
#include "responsecheck.h"
#include "soakmix.h"
#include "streamlinecheck.h"

#include <QObject>

#include <array>
#include <vector>

namespace afcgi::bench {

struct SoakCounters
{
    std::array<quint64, kSoakKindCount> issued{};   // requests sent (Disconnect: drops made)
    std::array<quint64, kSoakKindCount> answered{}; // correct answers, by kind
    std::array<quint64, kSoakKindCount> wrong{};    // wrong answers, by kind
    quint64 abortsSent = 0;
    quint64 cut = 0;            // in flight when a connection was dropped on purpose
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    // Wrong answers, by what was wrong.
    quint64 wrongStatus = 0;
    quint64 wrongBody = 0;      // includes malformed CGI headers
    quint64 protocolErrors = 0; // undecodable stream, records for ids not in flight, data after the end
    quint64 rejected = 0;       // END_REQUEST with a protocol status other than REQUEST_COMPLETE
    quint64 connectionLost = 0; // could not connect, or the server closed or reset a connection
    quint64 unanswered = 0;     // still in flight when the drain timed out

    quint64 errors() const
    {
        return wrongStatus + wrongBody + protocolErrors + rejected + connectionLost + unanswered;
    }
    quint64 completed() const; // END_REQUEST received, right or wrong
};

// What all connections share. The soak is single-threaded: no locks.
struct SoakShared
{
    SoakMix *mix = nullptr;
    SoakCounters counters;
    LatencyRecorder latency;
    qint64 budget = -1;   // requests that may still be issued; -1 = no limit
    bool issuing = true;  // false once the run stops issuing
    int problemsShown = 0;

    bool mayIssue() const { return issuing && budget != 0; }
};

class SoakConnection final : public QObject
{
    Q_OBJECT
public:
    SoakConnection(const Endpoint &endpoint, SoakShared *shared, int depth, qint64 readLimit,
                   QObject *parent = nullptr);

    void open();
    void close();                  // quietly, e.g. at the end of a run
    int activeCount() const { return m_active; }
    bool isConnected() const { return m_socket.isConnected(); }

Q_SIGNALS:
    void connected();
    void drained(); // nothing in flight and nothing more to issue

private:
    struct Slot
    {
        SoakRequest request;
        ResponseCheck check;      // header block (and body bytes for fixed answers)
        StreamLineCheck lines;    // body of /stream
        qint64 startNs = 0;
        quint32 generation = 0;   // tells a late abort timer that its request is gone
        bool active = false;
        bool abortSent = false;
        bool stdoutEnded = false; // the empty STDOUT record arrived
    };

    void onConnected();
    void onRecordsReady(qint64 bytesRead);
    void onLost();
    void handleRecord(const Record &record, qint64 now);
    void onStdout(quint16 id, const QByteArray &content);
    void endRequest(quint16 id, const Record &record, qint64 now);
    Verdict judge(const Slot &slot) const; // of a response that ended with REQUEST_COMPLETE
    void issue(quint16 id, qint64 now);
    void fill(qint64 now);
    void sendAbort(quint16 id);
    void endTurn();
    void dropAbruptly();
    void clearSlots();
    void problem(const Slot *slot, quint16 id, const QString &what);

    SoakShared *m_shared;
    RecordSocket m_socket;
    std::vector<Slot> m_slots;
    int m_active = 0;
    bool m_dropAtTurnEnd = false; // the mix drew a disconnect during this turn
};

} // namespace afcgi::bench
