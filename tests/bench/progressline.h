#pragma once
// A single self-overwriting status line on stderr, for runs watched on a terminal.

#include <QString>

namespace afcgi::bench::ProgressLine {

bool isTerminal(); // stderr is a terminal
void show(const QString &line);
void clear();

} // namespace afcgi::bench::ProgressLine
