#pragma once
// One lean load-generating FastCGI connection. Unlike FcgiClient it keeps no per-request
// QObject, signal or hash: request ids 1..N index a flat slot array, the request bytes are a
// pre-encoded template, responses are checked in place and only counted, and every request
// issued in one event-loop turn goes out in one socket write.

#include "benchoptions.h"
#include "latencyrecorder.h"
#include "recordsocket.h"
#include "responsecheck.h"

#include <QByteArray>
#include <QObject>

#include <vector>

namespace afcgi { struct Record; }

namespace afcgi::bench {

class RequestTemplate;

struct LoadCounters
{
    quint64 completed = 0;       // END_REQUEST received (any outcome)
    quint64 bytesIn = 0;
    quint64 bytesOut = 0;
    quint64 wrongStatus = 0;
    quint64 wrongBody = 0;       // includes malformed CGI headers
    quint64 protocolErrors = 0;  // undecodable stream, records for ids not in flight, bad END_REQUEST
    quint64 rejected = 0;        // END_REQUEST with a protocol status other than REQUEST_COMPLETE
    quint64 connectFailures = 0; // could not connect, or the server closed/reset the connection

    quint64 errors() const { return wrongStatus + wrongBody + protocolErrors + rejected + connectFailures; }
};

// What all connections of one run share. The bench is single-threaded: no locks.
struct LoadShared
{
    const RequestTemplate *request = nullptr;
    LoadCounters counters;
    LatencyRecorder latency;
    qint64 budget = -1;   // requests that may still be issued; -1 = no limit
    bool issuing = true;  // false once the run is over
};

class LoadConnection final : public QObject
{
    Q_OBJECT
public:
    // inFlight: requests kept in flight (ids 1..inFlight). reissue: answer each response with a
    // new request on the same id (load); otherwise send inFlight requests once and then a
    // GET_VALUES probe (hold).
    LoadConnection(const Endpoint &endpoint, LoadShared *shared, int inFlight, bool reissue,
                   QObject *parent = nullptr);
    ~LoadConnection() override;

    void open();
    void close();
    void kick(); // issue into every free slot the budget allows (when the budget was raised)
    bool isConnected() const { return m_socket.isConnected(); }
    int activeCount() const { return m_active; }

Q_SIGNALS:
    void connected();
    void probeAnswered(); // GET_VALUES_RESULT: the server has read everything sent before it
    void drained();       // nothing in flight and the budget is spent (--requests)
    void lost();          // could not connect, or the connection broke (load runs reconnect)

private:
    void onConnected();
    void onRecordsReady(qint64 bytesRead);
    void onLost();
    void handleRecord(const Record &record, qint64 now);
    void endRequest(quint16 id, const Record &record, qint64 now);
    void issue(quint16 id, qint64 now);
    void fill(qint64 now);
    void flushOut();

    struct Slot
    {
        qint64 startNs = 0;
        ResponseCheck check; // FCGI_STDOUT checked as it arrives
        bool active = false;
    };

    LoadShared *m_shared;
    bool m_reissue;
    RecordSocket m_socket;
    bool m_probeSent = false;
    std::vector<Slot> m_slots; // request id i lives in m_slots[i - 1]
    int m_active = 0;
};

} // namespace afcgi::bench
