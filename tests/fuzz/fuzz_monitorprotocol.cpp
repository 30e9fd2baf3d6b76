// libFuzzer target: the monitor wire format (LineSplitter, decodeMessage, decodeCommand).
// Invariants, each checked on every input:
//  - LineSplitter fed the bytes in pieces yields exactly the non-blank lines a plain split at
//    '\n' gives (a trailing '\r' removed), unless a line is over the limit: then it stops with a
//    sticky error, having yielded a prefix of them, and the line it stopped at is over the limit;
//  - every line that decodes as a message (or a command) encodes to one '\n'-terminated line
//    that decodes again, and encoding that gives the same bytes (a fixed point);
//  - a line that does not decode comes with a reason.

#include "fuzzsupport.h"

#include "monitorprotocol.h"

#include <QList>

using namespace afcgi::monitor;

namespace {

constexpr qsizetype kMaxLine = 512; // small, so that inputs reach the limit

struct Line
{
    QByteArray text;     // without "\r\n"
    qsizetype rawLength; // with any '\r'
    bool blank;          // only whitespace: skipped by the splitter
};

struct Lines
{
    QList<Line> all;
    QList<QByteArray> nonBlank;
    QByteArray tail; // bytes after the last '\n'
};

Lines referenceSplit(QByteArrayView data)
{
    Lines out;
    qsizetype start = 0;
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data[i] != '\n')
            continue;
        QByteArray text = data.sliced(start, i - start).toByteArray();
        const qsizetype raw = text.size();
        if (text.endsWith('\r'))
            text.chop(1);
        start = i + 1;
        const bool blank = text.trimmed().isEmpty();
        if (!blank)
            out.nonBlank.append(text);
        out.all.append({text, raw, blank});
    }
    out.tail = data.sliced(start).toByteArray();
    return out;
}

void checkMessage(QByteArrayView line)
{
    QString error;
    const std::optional<Message> message = decodeMessage(line, &error);
    if (!message) {
        FUZZ_CHECK(!error.isEmpty());
        return;
    }
    (void)toJson(*message);
    const QByteArray first = encode(*message);
    FUZZ_CHECK(first.endsWith('\n') && first.count('\n') == 1);
    QString againError;
    const std::optional<Message> again = decodeMessage(QByteArrayView(first).chopped(1), &againError);
    if (!again)
        std::fprintf(stderr, "re-encoded message does not decode: %s\n%s",
                     qPrintable(againError), first.constData());
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->index() == message->index());
    const QByteArray second = encode(*again);
    if (second != first)
        std::fprintf(stderr, "not a fixed point:\n%s%s", first.constData(), second.constData());
    FUZZ_CHECK(second == first);
}

void checkCommand(QByteArrayView line)
{
    QString error;
    const std::optional<Command> command = decodeCommand(line, &error);
    if (!command) {
        FUZZ_CHECK(!error.isEmpty());
        return;
    }
    const QByteArray first = encode(*command);
    FUZZ_CHECK(first.endsWith('\n') && first.count('\n') == 1);
    const std::optional<Command> again = decodeCommand(QByteArrayView(first).chopped(1));
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->cmd == command->cmd && again->level == command->level);
    FUZZ_CHECK(encode(*again) == first);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const Lines reference = referenceSplit(bytes);

    LineSplitter splitter(kMaxLine);
    QList<QByteArray> lines;
    for (fuzz::Splitter split(bytes); !split.atEnd();) {
        splitter.feed(split.nextPiece());
        while (auto line = splitter.next())
            lines.append(std::move(*line));
    }
    FUZZ_CHECK(lines.size() <= reference.nonBlank.size());
    for (qsizetype i = 0; i < lines.size(); ++i)
        FUZZ_CHECK(lines[i] == reference.nonBlank[i]);
    if (splitter.hasError()) {
        // It stopped at a line after the last one it yielded that is over the limit (counting
        // a '\r' whose '\n' may not have arrived yet), or at an unterminated tail over it.
        qsizetype i = 0;
        for (qsizetype yielded = 0; yielded < lines.size(); ++i)
            yielded += reference.all[i].blank ? 0 : 1;
        bool overLimit = reference.tail.size() > kMaxLine;
        for (; i < reference.all.size(); ++i)
            overLimit = overLimit || reference.all[i].rawLength > kMaxLine;
        FUZZ_CHECK(overLimit);
        splitter.feed("{}\n");
        FUZZ_CHECK(!splitter.next().has_value()); // sticky
    } else {
        FUZZ_CHECK(lines.size() == reference.nonBlank.size());
        FUZZ_CHECK(reference.tail.size() <= kMaxLine);
        for (const Line &line : reference.all)
            FUZZ_CHECK(line.text.size() <= kMaxLine);
    }

    for (const QByteArray &line : reference.nonBlank) {
        checkMessage(line);
        checkCommand(line);
    }
    if (reference.nonBlank.isEmpty() && !bytes.isEmpty()) {
        checkMessage(bytes); // lets a single unterminated object reach the decoders too
        checkCommand(bytes);
    }
    return 0;
}
