#include "handlers/hub/sseencoder.h"

namespace afcgi {

namespace {
void appendField(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out.append(name.data(), name.size());
    out.append(": ", 2);
    for (char c : value) {
        if (c != '\n' && c != '\r')
            out.append(c);
    }
    out.append('\n');
}
} // namespace

QByteArray encodeSseEvent(QByteArrayView id, QByteArrayView event, QByteArrayView data,
                          qsizetype *idLineEnd)
{
    QByteArray out;
    out.reserve(16 + id.size() + event.size() + data.size() * 1 + 8);
    if (!id.isEmpty())
        appendField(out, "id", id);
    if (idLineEnd)
        *idLineEnd = out.size();
    if (!event.isEmpty())
        appendField(out, "event", event);
    // Split on CRLF, CR or LF; an empty data still makes one "data:" line (an empty message).
    qsizetype start = 0;
    for (qsizetype i = 0; i <= data.size(); ++i) {
        if (i < data.size() && data[i] != '\n' && data[i] != '\r')
            continue;
        out.append("data: ", 6);
        out.append(data.data() + start, i - start);
        out.append('\n');
        if (i < data.size() && data[i] == '\r' && i + 1 < data.size() && data[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    out.append('\n');
    return out;
}

QByteArray encodeSseComment(QByteArrayView text)
{
    QByteArray out(": ");
    for (char c : text) {
        if (c != '\n' && c != '\r')
            out.append(c);
    }
    out.append("\n\n", 2);
    return out;
}

QByteArray encodeSseRetry(int ms)
{
    return "retry: " + QByteArray::number(ms) + "\n\n";
}

} // namespace afcgi
