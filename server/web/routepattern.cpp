#include "web/routepattern.h"

namespace afcgi {

namespace {
bool isNameStart(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || c == QLatin1Char('_');
}
bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}
} // namespace

const char *toString(RoutePatternError error)
{
    switch (error) {
    case RoutePatternError::None: return "no error";
    case RoutePatternError::NotAbsolute: return "a pattern starts with '/'";
    case RoutePatternError::EmptySegment: return "empty segment";
    case RoutePatternError::BadName: return "bad parameter name";
    case RoutePatternError::BadType: return "unknown parameter type (known: int)";
    case RoutePatternError::UnclosedBrace: return "unclosed '{'";
    case RoutePatternError::MixedSegment: return "a segment is either text or one {parameter}";
    case RoutePatternError::RestNotLast: return "{name*} must be the last segment";
    case RoutePatternError::DuplicateName: return "parameter name used twice";
    case RoutePatternError::TooManyParams: return "too many parameters";
    }
    return "unknown error";
}

void RoutePatternParser::feed(QStringView text)
{
    for (QChar c : text) {
        if (m_state == State::Failed)
            return;
        step(c);
    }
}

void RoutePatternParser::step(QChar c)
{
    const bool slash = c == QLatin1Char('/');
    switch (m_state) {
    case State::Start:
        if (!slash)
            return fail(RoutePatternError::NotAbsolute);
        m_state = State::SegmentStart;
        return;
    case State::SegmentStart:
        if (slash)
            return fail(RoutePatternError::EmptySegment);
        if (c == QLatin1Char('}'))
            return fail(RoutePatternError::MixedSegment);
        m_text.clear();
        if (c == QLatin1Char('{')) {
            m_state = State::Name;
            return;
        }
        m_text.append(c);
        m_state = State::Literal;
        return;
    case State::Literal:
        if (slash) {
            emitSegment(RouteSegmentKind::Literal, m_text);
            if (m_state != State::Failed)
                m_state = State::SegmentStart;
            return;
        }
        if (c == QLatin1Char('{') || c == QLatin1Char('}'))
            return fail(RoutePatternError::MixedSegment);
        m_text.append(c);
        return;
    case State::Name:
        if (isNameChar(c) && (!m_text.isEmpty() || isNameStart(c))) {
            m_text.append(c);
            return;
        }
        if (m_text.isEmpty())
            return fail(RoutePatternError::BadName);
        if (c == QLatin1Char('}')) {
            emitSegment(RouteSegmentKind::Param, m_text);
            if (m_state != State::Failed)
                m_state = State::AfterParam;
        } else if (c == QLatin1Char(':')) {
            m_type.clear();
            m_state = State::Type;
        } else if (c == QLatin1Char('*')) {
            m_state = State::RestStar;
        } else {
            fail(RoutePatternError::BadName);
        }
        return;
    case State::Type:
        if (c != QLatin1Char('}')) {
            if (!isNameChar(c) || m_type.size() >= 8)
                return fail(RoutePatternError::BadType);
            m_type.append(c);
            return;
        }
        if (m_type != QLatin1String("int"))
            return fail(RoutePatternError::BadType);
        emitSegment(RouteSegmentKind::IntParam, m_text);
        if (m_state != State::Failed)
            m_state = State::AfterParam;
        return;
    case State::RestStar:
        if (c != QLatin1Char('}'))
            return fail(RoutePatternError::BadName);
        emitSegment(RouteSegmentKind::Rest, m_text);
        if (m_state != State::Failed)
            m_state = State::AfterRest;
        return;
    case State::AfterParam:
        if (!slash)
            return fail(RoutePatternError::MixedSegment);
        m_state = State::SegmentStart;
        return;
    case State::AfterRest:
        return fail(RoutePatternError::RestNotLast);
    case State::Failed:
        return;
    }
}

void RoutePatternParser::emitSegment(RouteSegmentKind kind, const QString &text)
{
    if (kind != RouteSegmentKind::Literal) {
        for (const RouteSegment &segment : std::as_const(m_segments)) {
            if (segment.kind != RouteSegmentKind::Literal && segment.text == text)
                return fail(RoutePatternError::DuplicateName);
        }
        if (++m_params > kMaxRouteParams)
            return fail(RoutePatternError::TooManyParams);
    }
    m_segments.append({kind, text});
}

void RoutePatternParser::fail(RoutePatternError error)
{
    m_error = error;
    m_state = State::Failed;
}

std::optional<RouteSegments> RoutePatternParser::finish()
{
    switch (m_state) {
    case State::Start:
        fail(RoutePatternError::NotAbsolute);
        break;
    case State::Literal:
        emitSegment(RouteSegmentKind::Literal, m_text);
        break;
    case State::Name:
    case State::Type:
    case State::RestStar:
        fail(RoutePatternError::UnclosedBrace);
        break;
    case State::SegmentStart: // "/" alone, or a trailing '/': nothing more to add
    case State::AfterParam:
    case State::AfterRest:
    case State::Failed:
        break;
    }
    if (m_state == State::Failed)
        return std::nullopt;
    return m_segments;
}

std::optional<RouteSegments> RoutePatternParser::parse(QStringView pattern, RoutePatternError *error)
{
    RoutePatternParser parser;
    parser.feed(pattern);
    std::optional<RouteSegments> segments = parser.finish();
    if (error)
        *error = parser.error();
    return segments;
}

QString RoutePatternParser::toString(const RouteSegments &segments)
{
    if (segments.isEmpty())
        return QStringLiteral("/");
    QString out;
    for (const RouteSegment &segment : segments) {
        out += QLatin1Char('/');
        switch (segment.kind) {
        case RouteSegmentKind::Literal: out += segment.text; break;
        case RouteSegmentKind::Param: out += QLatin1Char('{') + segment.text + QLatin1Char('}'); break;
        case RouteSegmentKind::IntParam: out += QLatin1Char('{') + segment.text + QLatin1String(":int}"); break;
        case RouteSegmentKind::Rest: out += QLatin1Char('{') + segment.text + QLatin1String("*}"); break;
        }
    }
    return out;
}

} // namespace afcgi
