#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace afcgi {

// Server-sent events as the HTML standard reads them ("9.2 Server-sent events"): fields
// "name: value\n", an event ends with an empty line. Pure functions, no state.

// One event. `data` may hold any line breaks (CR, LF, CRLF): each line becomes its own "data:"
// field, as a reader joins them back with LF. An id or event type may not contain line breaks:
// they are dropped. With `idLineEnd`, the length of the leading "id: ...\n" line (0 if no id).
QByteArray encodeSseEvent(QByteArrayView id, QByteArrayView event, QByteArrayView data,
                          qsizetype *idLineEnd = nullptr);
// ": text\n\n", a comment: readers ignore it, proxies see traffic (keep-alive).
QByteArray encodeSseComment(QByteArrayView text);
// "retry: ms\n\n": how long a browser waits before reconnecting.
QByteArray encodeSseRetry(int ms);

} // namespace afcgi
