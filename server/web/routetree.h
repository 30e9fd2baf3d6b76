#pragma once

#include "web/routepattern.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringView>

#include <array>
#include <utility>
#include <vector>

namespace afcgi {

// Where a parameter's value lies in the matched path.
struct RouteCapture
{
    qsizetype start = 0;
    qsizetype length = 0;
};

// The outcome of matching one path and method.
struct RouteMatch
{
    enum class Kind : quint8 {
        None,             // no route and no mount matches the path
        Route,            // `target` is a route for this method (or for any method)
        Mount,            // `target` is a prefix mount; the path below it starts at `mountEnd`
        MethodNotAllowed, // routes match the path, none for this method: `allow` lists theirs
    };
    Kind kind = Kind::None;
    int target = -1;
    bool headAsGet = false;   // a HEAD request answered by the GET route (send no body)
    qsizetype mountEnd = 0;   // Mount: the rest of the path, with its leading '/', starts here
    int captureCount = 0;
    std::array<RouteCapture, kMaxRouteParams> captures; // in the order of the pattern's parameters
    QByteArray allow;         // MethodNotAllowed: "GET, HEAD, POST"
};

// A table of route patterns compiled into a tree with one level per path segment. Matching walks
// the tree over the decoded path without a regular expression and without allocating (a 405's
// Allow list aside). At each level the candidates are tried most specific first: a literal
// segment, then {name:int}, then {name}, then {name*}, then a prefix mount; a dead end backtracks.
// So "/notes/new" beats "/notes/{id}", and the deepest mount on the path serves what no route
// does. A path that routes match but no route for its method gives MethodNotAllowed unless a
// mount takes it. One trailing '/' in the path is ignored. Targets are the caller's indices.
// Built before use, then only read: safe to share between threads.
class RouteTree
{
public:
    RouteTree();

    // `method` empty: any method. False when this method and pattern are in the table already.
    bool addRoute(const RouteSegments &segments, QByteArrayView method, int target);
    // Serves the pattern's path and everything below it, any method. No {name*} in a mount.
    // False when the pattern has a mount already.
    bool addMount(const RouteSegments &segments, int target);

    // `path` starts with '/' (an empty path counts as "/"); `method` as REQUEST_METHOD gives it.
    RouteMatch match(QStringView path, QByteArrayView method) const;

private:
    struct Endpoint
    {
        QByteArray method; // empty: any
        int target;
    };
    struct Node
    {
        std::vector<std::pair<QString, int>> literals; // sorted by text: child node indices
        int param = -1;
        int intParam = -1;
        std::vector<Endpoint> endpoints;     // routes that end here
        std::vector<Endpoint> restEndpoints; // routes whose {name*} starts here
        int mount = -1;
    };
    struct Search; // the state of one match()

    int nodeFor(const RouteSegments &segments, qsizetype count);
    int child(int node, const RouteSegment &segment);
    bool visit(int nodeIndex, qsizetype pos, Search &search) const;
    bool pick(const std::vector<Endpoint> &endpoints, Search &search) const;

    std::vector<Node> m_nodes; // [0] is the root
};

} // namespace afcgi
