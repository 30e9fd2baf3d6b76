#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace afcgi {

// What one segment of a route pattern matches.
enum class RouteSegmentKind : quint8 {
    Literal,  // "notes": exactly this text
    Param,    // "{id}": any non-empty segment
    IntParam, // "{id:int}": an optional '-' and digits that fit in a qint64
    Rest,     // "{path*}": the rest of the path, possibly empty (last segment only)
};

struct RouteSegment
{
    RouteSegmentKind kind = RouteSegmentKind::Literal;
    QString text; // the literal text, or the parameter's name
    bool operator==(const RouteSegment &o) const { return kind == o.kind && text == o.text; }
};

using RouteSegments = QList<RouteSegment>;

enum class RoutePatternError {
    None,
    NotAbsolute,    // does not start with '/'
    EmptySegment,   // "//"
    BadName,        // a parameter name is empty or not [A-Za-z_][A-Za-z0-9_]*
    BadType,        // "{id:float}": only "int" is known
    UnclosedBrace,  // "{id" at the end
    MixedSegment,   // "a{id}", "{id}b", a stray '}' : a segment is all literal or one parameter
    RestNotLast,    // "{rest*}" followed by more segments
    DuplicateName,  // "{id}/{id}"
    TooManyParams,  // more than kMaxRouteParams
};
const char *toString(RoutePatternError error);

// Parameters one pattern may capture: a request's captures fit in a fixed array.
constexpr int kMaxRouteParams = 8;

// Parses a route pattern ("/notes/{id:int}/files/{path*}") into segments, character by
// character: feed() any number of pieces, then finish(). A trailing '/' is ignored ("/notes/"
// is "/notes"); "/" alone has no segments. Errors are sticky.
class RoutePatternParser
{
public:
    void feed(QStringView text);
    std::optional<RouteSegments> finish(); // nullopt: see error()
    RoutePatternError error() const { return m_error; }

    static std::optional<RouteSegments> parse(QStringView pattern, RoutePatternError *error = nullptr);
    // The canonical text of a pattern: "/" for no segments.
    static QString toString(const RouteSegments &segments);

private:
    enum class State { Start, SegmentStart, Literal, Name, Type, RestStar, AfterParam, AfterRest, Failed };
    void step(QChar c);
    void fail(RoutePatternError error);
    void emitSegment(RouteSegmentKind kind, const QString &text);

    State m_state = State::Start;
    RoutePatternError m_error = RoutePatternError::None;
    QString m_text; // the literal or name being read
    QString m_type;
    RouteSegments m_segments;
    int m_params = 0;
};

} // namespace afcgi
