#include "web/routetree.h"

#include <algorithm>

namespace afcgi {

namespace {
// Literal children are kept in (length, text) order: most mismatches are settled by the length.
bool literalLess(QStringView a, QStringView b)
{
    return a.size() != b.size() ? a.size() < b.size() : a < b;
}

// An optional '-' and 1 to 19 digits that fit in a qint64.
bool isInteger(QStringView segment)
{
    const QStringView digits = segment.startsWith(QLatin1Char('-')) ? segment.sliced(1) : segment;
    if (digits.isEmpty() || digits.size() > 19)
        return false;
    for (QChar c : digits) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
    }
    if (digits.size() < 19)
        return true;
    bool ok = false;
    (void)segment.toLongLong(&ok);
    return ok;
}

// Allow lists the usual methods in their usual order, then any others as registered.
int methodRank(QByteArrayView method)
{
    static const char *const order[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
    for (int i = 0; i < int(std::size(order)); ++i) {
        if (method == QByteArrayView(order[i]))
            return i;
    }
    return int(std::size(order));
}
} // namespace

struct RouteTree::Search
{
    QStringView path;
    qsizetype end;        // segments end here (one trailing '/' left out)
    QByteArrayView method;
    bool isHead;
    RouteMatch &result;
    QByteArrayList allowed; // methods of routes that matched the path but not the method
};

RouteTree::RouteTree() : m_nodes(1) {}

int RouteTree::child(int node, const RouteSegment &segment)
{
    const auto make = [this] {
        m_nodes.emplace_back();
        return int(m_nodes.size() - 1);
    };
    switch (segment.kind) {
    case RouteSegmentKind::Literal: {
        auto &literals = m_nodes[size_t(node)].literals;
        auto it = std::lower_bound(literals.begin(), literals.end(), segment.text,
                                   [](const auto &entry, const QString &text) {
                                       return literalLess(entry.first, text);
                                   });
        if (it != literals.end() && it->first == segment.text)
            return it->second;
        const auto at = it - literals.begin();
        const int index = make(); // moves the nodes: `literals` and `it` are stale from here
        auto &again = m_nodes[size_t(node)].literals;
        again.insert(again.begin() + at, {segment.text, index});
        return index;
    }
    case RouteSegmentKind::Param:
        if (m_nodes[size_t(node)].param < 0) {
            const int index = make();
            m_nodes[size_t(node)].param = index;
        }
        return m_nodes[size_t(node)].param;
    case RouteSegmentKind::IntParam:
        if (m_nodes[size_t(node)].intParam < 0) {
            const int index = make();
            m_nodes[size_t(node)].intParam = index;
        }
        return m_nodes[size_t(node)].intParam;
    case RouteSegmentKind::Rest:
        break;
    }
    Q_UNREACHABLE();
    return node;
}

int RouteTree::nodeFor(const RouteSegments &segments, qsizetype count)
{
    int node = 0;
    for (qsizetype i = 0; i < count; ++i)
        node = child(node, segments.at(i));
    return node;
}

bool RouteTree::addRoute(const RouteSegments &segments, QByteArrayView method, int target)
{
    const bool rest = !segments.isEmpty() && segments.last().kind == RouteSegmentKind::Rest;
    const int node = nodeFor(segments, segments.size() - (rest ? 1 : 0));
    auto &endpoints = rest ? m_nodes[size_t(node)].restEndpoints : m_nodes[size_t(node)].endpoints;
    for (const Endpoint &endpoint : endpoints) {
        if (QByteArrayView(endpoint.method) == method)
            return false;
    }
    endpoints.push_back({method.toByteArray(), target});
    return true;
}

bool RouteTree::addMount(const RouteSegments &segments, int target)
{
    if (!segments.isEmpty() && segments.last().kind == RouteSegmentKind::Rest)
        return false;
    Node &node = m_nodes[size_t(nodeFor(segments, segments.size()))];
    if (node.mount >= 0)
        return false;
    node.mount = target;
    return true;
}

RouteMatch RouteTree::match(QStringView path, QByteArrayView method) const
{
    RouteMatch result;
    Search search{path, path.size(), method, method == QByteArrayView("HEAD"), result, {}};
    if (search.end > 1 && path.at(search.end - 1) == QLatin1Char('/'))
        --search.end;
    // "/" and "" have no segments: start past the end.
    const qsizetype start = search.end <= 1 ? search.end + 1 : 1;
    if (visit(0, start, search))
        return result;
    result = RouteMatch();
    if (!search.allowed.isEmpty()) {
        std::stable_sort(search.allowed.begin(), search.allowed.end(),
                         [](const QByteArray &a, const QByteArray &b) { return methodRank(a) < methodRank(b); });
        result.kind = RouteMatch::Kind::MethodNotAllowed;
        result.allow = search.allowed.join(", ");
    }
    return result;
}

// `pos` is where the next segment starts; past search.end, the path is used up.
bool RouteTree::visit(int nodeIndex, qsizetype pos, Search &search) const
{
    const Node &node = m_nodes[size_t(nodeIndex)];
    RouteMatch &result = search.result;
    const qsizetype size = search.path.size();
    const bool usedUp = pos > search.end;
    if (usedUp && pick(node.endpoints, search))
        return true;
    if (!usedUp) {
        qsizetype segmentEnd = search.path.indexOf(QLatin1Char('/'), pos);
        if (segmentEnd < 0 || segmentEnd > search.end)
            segmentEnd = search.end;
        const QStringView segment = search.path.sliced(pos, segmentEnd - pos);
        const qsizetype next = segmentEnd + 1;

        const auto &literals = node.literals;
        const auto it = std::lower_bound(literals.begin(), literals.end(), segment,
                                         [](const auto &entry, QStringView text) {
                                             return literalLess(entry.first, text);
                                         });
        if (it != literals.end() && it->first == segment && visit(it->second, next, search))
            return true;
        const int captured = result.captureCount;
        if (captured < kMaxRouteParams) {
            result.captures[size_t(captured)] = {pos, segment.size()};
            result.captureCount = captured + 1;
            if (node.intParam >= 0 && isInteger(segment) && visit(node.intParam, next, search))
                return true;
            if (node.param >= 0 && !segment.isEmpty() && visit(node.param, next, search))
                return true;
            result.captureCount = captured;
        }
    }
    if (!node.restEndpoints.empty() && result.captureCount < kMaxRouteParams) {
        const qsizetype restStart = qMin(pos, size);
        result.captures[size_t(result.captureCount)] = {restStart, size - restStart};
        ++result.captureCount;
        if (pick(node.restEndpoints, search))
            return true;
        --result.captureCount;
    }
    if (node.mount >= 0) {
        result.kind = RouteMatch::Kind::Mount;
        result.target = node.mount;
        result.mountEnd = qMin(pos - 1, size);
        return true;
    }
    return false;
}

bool RouteTree::pick(const std::vector<Endpoint> &endpoints, Search &search) const
{
    if (endpoints.empty())
        return false;
    const Endpoint *any = nullptr;
    const Endpoint *get = nullptr;
    for (const Endpoint &endpoint : endpoints) {
        if (endpoint.method.isEmpty()) {
            any = &endpoint;
        } else if (QByteArrayView(endpoint.method) == search.method) {
            search.result.kind = RouteMatch::Kind::Route;
            search.result.target = endpoint.target;
            return true;
        } else if (search.isHead && endpoint.method == "GET") {
            get = &endpoint;
        }
    }
    if (get || any) {
        search.result.kind = RouteMatch::Kind::Route;
        search.result.target = get ? get->target : any->target;
        search.result.headAsGet = get != nullptr;
        return true;
    }
    // The rare path: remember what this path does take, for a 405's Allow header.
    for (const Endpoint &endpoint : endpoints) {
        if (!search.allowed.contains(endpoint.method))
            search.allowed.append(endpoint.method);
        if (endpoint.method == "GET" && !search.allowed.contains("HEAD"))
            search.allowed.append(QByteArrayLiteral("HEAD"));
    }
    return false;
}

} // namespace afcgi
