#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <optional>

namespace afcgi {

enum class MultipartError {
    None,
    NoBoundary,      // no boundary within the preamble limit
    BadDelimiter,    // a boundary followed by neither "--" nor a line end
    HeadersTooLarge, // a part's header block over the limit
    MalformedHeader, // a header line without a name and ':'
    TooManyParts,
    Truncated,       // the input ended before the closing boundary
};
const char *toString(MultipartError error);

// What the parser found, in order: for each part PartBegin (its headers), any number of
// PartData (its content, in pieces), PartEnd; after the closing boundary, End.
struct MultipartEvent
{
    enum class Kind { PartBegin, PartData, PartEnd, End };
    Kind kind = Kind::End;
    QList<QPair<QByteArray, QByteArray>> headers; // PartBegin: names as sent, values trimmed
    QByteArray data;                              // PartData
};

// A multipart body (RFC 2046, 5.1; multipart/form-data as RFC 7578 uses it) parsed as it
// streams in: feed() pieces cut anywhere, next() for the events so far, finish() at the end
// of the input. A part's content is handed on as it arrives, all but the last few bytes that
// could still begin a boundary, so memory stays at about one piece whatever a part's size.
// Preamble and epilogue are skipped; a close delimiter that never comes is Truncated at
// finish(). Errors are sticky; once set, next() returns nullopt.
class MultipartParser
{
public:
    struct Limits
    {
        qsizetype maxHeaderBytes = 16 * 1024;   // one part's header block
        qsizetype maxParts = 1000;
        qsizetype maxPreambleBytes = 16 * 1024; // before the first boundary
    };

    explicit MultipartParser(QByteArrayView boundary, Limits limits);
    explicit MultipartParser(QByteArrayView boundary) : MultipartParser(boundary, Limits()) {}

    void feed(QByteArrayView bytes);
    void finish();
    std::optional<MultipartEvent> next();
    MultipartError error() const { return m_error; }
    qsizetype bufferedBytes() const { return m_buffer.size() - m_pos; } // not yet handed on

private:
    enum class State { Preamble, AfterDelimiter, Headers, Body, Epilogue, Failed };
    bool step(); // one move forward; false when more input is needed
    bool stepPreamble();
    bool stepAfterDelimiter();
    bool stepHeaders();
    bool stepBody();
    void emitEvent(MultipartEvent::Kind kind, QByteArray data = {});
    bool fail(MultipartError error); // false, for `return fail(...)` in a step

    QByteArray m_delimiter; // "\r\n--" boundary
    Limits m_limits;
    State m_state = State::Preamble;
    MultipartError m_error = MultipartError::None;
    QByteArray m_buffer; // starts with a virtual "\r\n", so a body may open with the boundary
    qsizetype m_pos = 0;
    qsizetype m_preambleBytes = 0;
    qsizetype m_headerBytes = 0;
    qsizetype m_parts = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers; // of the part being read
    QList<MultipartEvent> m_events;
    qsizetype m_eventAt = 0;
};

} // namespace afcgi
