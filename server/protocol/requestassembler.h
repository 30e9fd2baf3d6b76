#pragma once

#include "namevaluedecoder.h"
#include "protocol/requestidmap.h"
#include "record.h"

#include <optional>

namespace afcgi {

enum class AssemblerError {
    None,
    DuplicateRequestId,   // BEGIN_REQUEST for an id that is still active
    MalformedBeginRequest, // BEGIN_REQUEST body shorter than 8 bytes
    MalformedParams,      // PARAMS stream that does not decode as name-value pairs
    MalformedGetValues,   // GET_VALUES body that does not decode
};

const char *toString(AssemblerError error);

// What one record means for the server. A record yields at most one event.
struct RequestEvent
{
    enum class Kind {
        GetValues,      // management: `params` holds the names asked for
        UnknownType,    // answer with UNKNOWN_TYPE carrying `unknownType`
        Begin,          // a new request: `role` (raw, may be unknown), `keepConn`
        ParamsComplete, // the empty PARAMS record arrived: `bytes` is the whole encoded set
        ParamsTooLarge, // the PARAMS stream passed the limit; the rest of it is discarded
        Stdin,          // a STDIN chunk in `bytes`; empty = end of input
        Data,           // a DATA chunk (FILTER role) in `bytes`; empty = end of data
        Abort,          // ABORT_REQUEST for an active request
    };
    Kind kind = Kind::UnknownType;
    quint16 requestId = 0;
    quint16 role = 0;
    bool keepConn = false;
    quint8 unknownType = 0;
    NameValueList params; // GetValues only
    QByteArray bytes;
};

// Turns a connection's records into request events. Pure: no sockets, no timers, no logging.
// It knows which request ids are active so that, as the spec says, records for other ids are
// ignored. The owner calls release() once it has sent END_REQUEST for an id.
class RequestAssembler
{
public:
    explicit RequestAssembler(qsizetype maxParamsBytes = 1 << 20) : m_maxParamsBytes(maxParamsBytes) {}

    std::optional<RequestEvent> handle(Record &&record);
    AssemblerError error() const { return m_error; }
    quint16 errorRequestId() const { return m_errorRequestId; }

    void release(quint16 requestId) { m_active.remove(requestId); }
    bool isActive(quint16 requestId) const { return m_active.contains(requestId); }
    qsizetype activeCount() const { return m_active.size(); }
    void setMaxParamsBytes(qsizetype bytes) { m_maxParamsBytes = bytes; }

private:
    // Small on purpose: one per request in flight.
    struct ActiveRequest
    {
        QByteArray params; // the PARAMS stream so far, still encoded; moved out when complete
        bool paramsDone = false;
        bool paramsTooLarge = false;
        bool stdinDone = false;
        bool dataDone = false;
    };

    std::optional<RequestEvent> handleManagement(Record &&record);
    std::optional<RequestEvent> handleBegin(const Record &record);
    std::optional<RequestEvent> handleParams(ActiveRequest &request, Record &&record);
    std::optional<RequestEvent> fail(AssemblerError error, quint16 requestId);

    RequestIdMap<ActiveRequest> m_active; // keyed by FastCGI request id: any 16-bit value
    qsizetype m_maxParamsBytes;
    AssemblerError m_error = AssemblerError::None;
    quint16 m_errorRequestId = 0;
};

} // namespace afcgi
