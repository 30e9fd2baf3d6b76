#include "protocol/requestassembler.h"

#include "paramblock.h"

namespace afcgi {

const char *toString(AssemblerError error)
{
    switch (error) {
    case AssemblerError::None: return "no error";
    case AssemblerError::DuplicateRequestId: return "BEGIN_REQUEST for an active request id";
    case AssemblerError::MalformedBeginRequest: return "malformed BEGIN_REQUEST body";
    case AssemblerError::MalformedParams: return "PARAMS do not decode as name-value pairs";
    case AssemblerError::MalformedGetValues: return "GET_VALUES body does not decode";
    }
    return "unknown assembler error";
}

std::optional<RequestEvent> RequestAssembler::handle(Record &&record)
{
    if (m_error != AssemblerError::None)
        return std::nullopt;
    if (record.isManagement())
        return handleManagement(std::move(record));
    if (record.recordType() == RecordType::BeginRequest)
        return handleBegin(record);

    ActiveRequest *active = m_active.find(record.requestId);
    if (!active)
        return std::nullopt; // the spec says to ignore records for inactive request ids

    RequestEvent event;
    event.requestId = record.requestId;
    switch (record.recordType()) {
    case RecordType::Params:
        return handleParams(*active, std::move(record));
    case RecordType::Stdin:
    case RecordType::Data: {
        const bool isStdin = record.recordType() == RecordType::Stdin;
        bool &done = isStdin ? active->stdinDone : active->dataDone;
        if (done)
            return std::nullopt; // nothing may follow the end of a stream; drop stray records
        done = record.content.isEmpty();
        event.kind = isStdin ? RequestEvent::Kind::Stdin : RequestEvent::Kind::Data;
        event.bytes = std::move(record.content);
        return event;
    }
    case RecordType::AbortRequest:
        event.kind = RequestEvent::Kind::Abort;
        return event;
    default:
        event.kind = RequestEvent::Kind::UnknownType;
        event.unknownType = record.type;
        return event;
    }
}

std::optional<RequestEvent> RequestAssembler::handleManagement(Record &&record)
{
    RequestEvent event;
    if (record.recordType() != RecordType::GetValues) {
        event.kind = RequestEvent::Kind::UnknownType;
        event.unknownType = record.type;
        return event;
    }
    auto names = NameValueDecoder::decodeAll(record.content);
    if (!names)
        return fail(AssemblerError::MalformedGetValues, kNullRequestId);
    event.kind = RequestEvent::Kind::GetValues;
    event.params = std::move(*names);
    return event;
}

std::optional<RequestEvent> RequestAssembler::handleBegin(const Record &record)
{
    if (m_active.contains(record.requestId))
        return fail(AssemblerError::DuplicateRequestId, record.requestId);
    if (record.content.size() < 8)
        return fail(AssemblerError::MalformedBeginRequest, record.requestId);
    const auto *body = reinterpret_cast<const quint8 *>(record.content.constData());
    RequestEvent event;
    event.kind = RequestEvent::Kind::Begin;
    event.requestId = record.requestId;
    event.role = quint16((body[0] << 8) | body[1]);
    event.keepConn = (body[2] & kKeepConn) != 0;
    m_active.insert(record.requestId, ActiveRequest{});
    return event;
}

std::optional<RequestEvent> RequestAssembler::handleParams(ActiveRequest &request, Record &&record)
{
    if (request.paramsDone)
        return std::nullopt; // PARAMS after the end of the stream carry nothing we can use
    RequestEvent event;
    event.requestId = record.requestId;
    if (record.content.isEmpty()) {
        request.paramsDone = true;
        if (request.paramsTooLarge)
            return std::nullopt; // ParamsTooLarge was already reported
        // A pair may span records, so the block is checked once it is whole.
        if (!isWellFormedNameValues(request.params))
            return fail(AssemblerError::MalformedParams, record.requestId);
        event.kind = RequestEvent::Kind::ParamsComplete;
        event.bytes = std::move(request.params);
        request.params = QByteArray();
        return event;
    }
    if (request.paramsTooLarge)
        return std::nullopt;
    if (request.params.size() + record.content.size() > m_maxParamsBytes) {
        // Delimited by the empty PARAMS record, so the connection survives: discard the rest.
        request.paramsTooLarge = true;
        request.params = QByteArray();
        event.kind = RequestEvent::Kind::ParamsTooLarge;
        return event;
    }
    if (request.params.isEmpty())
        request.params = std::move(record.content); // the common case: one PARAMS record, no copy
    else
        request.params.append(record.content);
    return std::nullopt;
}

std::optional<RequestEvent> RequestAssembler::fail(AssemblerError error, quint16 requestId)
{
    m_error = error;
    m_errorRequestId = requestId;
    return std::nullopt;
}

} // namespace afcgi
