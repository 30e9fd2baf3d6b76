#pragma once
// What the monitor hands out of its window: the recent completions as CSV, the log as text, one
// request's details as text (for the clipboard), and a file written whole or not at all.
// Plain functions over the models, so they are tested without a window.

#include "monitorprotocol.h"

#include <QString>
#include <QStringList>

namespace afcgi::gui {

class CompletionModel;
class LogModel;

namespace exports {

// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
// doubled. A field that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab
// or a carriage return; a URI or method is the client's text) gets a leading apostrophe.
QString csvField(const QString &value);
// The fields joined by commas, ended by CRLF.
QString csvLine(const QStringList &fields);

// Every completion the model holds, oldest first, after a header line. Values are raw (ISO 8601
// times in UTC, milliseconds, bytes), not as the table shows them.
QString completionsCsv(const CompletionModel &model);

// Every line the log model holds, oldest first, as afcgid prints them; one per line.
QString logText(const LogModel &model);

// One request, a field per line ("URI: /x"), for a bug report or a chat. `ended` says whether
// it is a completion (duration) or still running (age at `nowMs`).
QString requestDetails(const afcgi::monitor::RequestInfo &request, bool ended, qint64 nowMs);

// Writes `text` as UTF-8 to `path`, replacing the file only once all of it is written.
bool writeTextFile(const QString &path, const QString &text, QString *error);

} // namespace exports
} // namespace afcgi::gui
