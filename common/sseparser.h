#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace afcgi {

// One server-sent event as a browser's EventSource dispatches it.
struct SseEvent
{
    QByteArray event = "message"; // the "event:" field, "message" when absent
    QByteArray data;              // "data:" lines joined with LF
    QByteArray lastEventId;       // the stream's last "id:" so far (it persists between events)
};

// The reading side of server-sent events, per the HTML standard's "event stream
// interpretation": lines end with CRLF, LF or CR; a leading BOM is skipped; "name: value" (one
// space after the colon is dropped), ":comment", a blank line dispatches. Pure and incremental:
// feed() appends, next() returns an event or nullopt for "need more bytes". An event without
// data is not dispatched, as in a browser. The `retry:` field is kept in retryMs().
class SseParser
{
public:
    void feed(QByteArrayView bytes);
    std::optional<SseEvent> next();

    int comments() const { return m_comments; }   // comment lines seen (keep-alives)
    int retryMs() const { return m_retryMs; }      // -1 until a valid "retry:" field
    QByteArray lastEventId() const { return m_lastEventId; }
    qsizetype buffered() const { return m_buffer.size() - m_pos; }

private:
    std::optional<QByteArrayView> takeLine();
    void field(QByteArrayView line);

    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_started = false;   // the BOM check is done
    bool m_skipLf = false;    // the last line ended with CR at the end of the buffer
    QByteArray m_event;
    QByteArray m_data;
    bool m_hasData = false;
    QByteArray m_lastEventId;
    int m_comments = 0;
    int m_retryMs = -1;
};

} // namespace afcgi
