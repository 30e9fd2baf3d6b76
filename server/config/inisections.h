#pragma once
// Sections of an INI file that QSettings cannot be trusted with: a group name with '/' in it
// ("[cgi /git]", "[app:/notes/]") is taken apart by QSettings, and "[app:/]" or a trailing '/'
// leaves keys whose value() it cannot find; it also cuts values at ';' and ','.

#include <QString>

#include <functional>

namespace afcgi {

// Reads `file` line by line. For each section header, `section(group)` (the text between the
// brackets, trimmed) says whether the section's keys are wanted (false with an error stops);
// each `key = value` of a wanted section goes to `key(key, value, lineNumber)`, the value trimmed
// and one pair of surrounding double quotes removed. Comments (';', '#') and blank lines are
// skipped. False with a message in `error` when the file cannot be read, a line of a wanted
// section has no '=', or a callback fails.
struct IniSectionReader
{
    std::function<bool(const QString &group, bool *wanted, QString *error)> section;
    std::function<bool(const QString &key, const QString &value, int lineNumber, QString *error)> key;
};
bool readIniSections(const QString &file, const IniSectionReader &reader, QString *error);

} // namespace afcgi
