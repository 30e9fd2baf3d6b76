#include "fixtures.h"
#include "paramblock.h"
#include "protocol/requestassembler.h"
#include "recorddecoder.h"

#include <QRegularExpression>
#include <QTest>

using namespace afcgi;
using fixtures::beginRecord;
using fixtures::makeRecord;
using fixtures::nameValue;

Q_DECLARE_METATYPE(afcgi::AssemblerError)

namespace {
constexpr quint16 kFilter = quint16(Role::Filter);

QString describe(const RequestEvent &e)
{
    using Kind = RequestEvent::Kind;
    const QString id = QString::number(e.requestId);
    switch (e.kind) {
    case Kind::GetValues: {
        QStringList names;
        for (const auto &p : e.params)
            names << QString::fromLatin1(p.first);
        return QStringLiteral("getvalues ") + names.join(QLatin1Char(','));
    }
    case Kind::UnknownType:
        return QStringLiteral("unknown %1 type=%2").arg(id).arg(e.unknownType);
    case Kind::Begin:
        return QStringLiteral("begin %1 role=%2 %3")
            .arg(id).arg(e.role).arg(e.keepConn ? QLatin1String("keep") : QLatin1String("close"));
    case Kind::ParamsComplete: {
        QStringList pairs;
        for (const auto &p : ParamBlock(e.bytes).toList())
            pairs << QString::fromLatin1(p.first + '=' + p.second);
        return QStringLiteral("params %1 ").arg(id) + pairs.join(QLatin1Char('&'));
    }
    case Kind::ParamsTooLarge:
        return QStringLiteral("toolarge ") + id;
    case Kind::Stdin:
    case Kind::Data:
        return QStringLiteral("%1 %2 %3")
            .arg(e.kind == Kind::Stdin ? QLatin1String("stdin") : QLatin1String("data"), id,
                 e.bytes.isEmpty() ? QStringLiteral("<end>") : QString::fromLatin1(e.bytes));
    case Kind::Abort:
        return QStringLiteral("abort ") + id;
    }
    return QStringLiteral("?");
}

QStringList run(RequestAssembler &assembler, const QByteArray &wire)
{
    RecordDecoder decoder;
    decoder.feed(wire);
    QStringList events;
    while (auto record = decoder.next()) {
        if (auto event = assembler.handle(std::move(*record)))
            events << describe(*event);
    }
    Q_ASSERT(decoder.error() == DecodeError::None && decoder.pendingBytes() == 0);
    return events;
}

QByteArray params(quint16 id, QByteArrayView content)
{
    return makeRecord(RecordType::Params, id, content);
}
QByteArray stdinRecord(quint16 id, QByteArrayView content)
{
    return makeRecord(RecordType::Stdin, id, content);
}
QByteArray withParams(quint16 id, quint16 role = 1)
{
    return beginRecord(id, role) + params(id, nameValue("A", "1")) + params(id, {});
}
} // namespace

class tst_RequestAssembler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void events_data();
    void events();
    void paramsSplitAnywhere();
    void releaseAllowsReuse();
    void abortKeepsRequestActive();
};

void tst_RequestAssembler::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_RequestAssembler::events_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("maxParams");
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<AssemblerError>("error");
    QTest::addColumn<int>("errorRequestId");
    const auto ok = AssemblerError::None;
    const int big = 1 << 20;

    QTest::newRow("simple-get") << fixtures::simpleGet(1) << big
        << QStringList{ "begin 1 role=1 keep", "params 1 REQUEST_METHOD=GET&REQUEST_URI=/hello",
                        "stdin 1 <end>" } << ok << 0;
    QTest::newRow("stdin-body") << withParams(2) + stdinRecord(2, "abc") + stdinRecord(2, "def")
            + stdinRecord(2, {})
        << big << QStringList{ "begin 2 role=1 close", "params 2 A=1", "stdin 2 abc",
                               "stdin 2 def", "stdin 2 <end>" } << ok << 0;
    QTest::newRow("empty-params") << beginRecord(1) + params(1, {}) << big
        << QStringList{ "begin 1 role=1 close", "params 1 " } << ok << 0;
    const QByteArray pair = nameValue("KEY", QByteArray(200, 'v'));
    QTest::newRow("params-split-across-records")
        << beginRecord(3) + params(3, pair.first(2)) + params(3, pair.sliced(2, 5))
            + params(3, pair.sliced(7)) + params(3, nameValue("B", "2")) + params(3, {})
        << big << QStringList{ "begin 3 role=1 close",
                               "params 3 KEY=" + QString(200, QLatin1Char('v')) + "&B=2" }
        << ok << 0;
    QTest::newRow("inactive-ids-ignored")
        << params(5, nameValue("A", "1")) + params(5, {}) + stdinRecord(5, "x")
            + makeRecord(RecordType::AbortRequest, 5, {}) + makeRecord(RecordType::Data, 5, "d")
        << big << QStringList{} << ok << 0;
    QTest::newRow("stdin-before-begin-ignored")
        << stdinRecord(1, "early") + withParams(1) + stdinRecord(1, "late") << big
        << QStringList{ "begin 1 role=1 close", "params 1 A=1", "stdin 1 late" } << ok << 0;
    QTest::newRow("duplicate-id") << withParams(1) + beginRecord(1) + stdinRecord(1, "x") << big
        << QStringList{ "begin 1 role=1 close", "params 1 A=1" }
        << AssemblerError::DuplicateRequestId << 1;
    QTest::newRow("short-begin-body")
        << makeRecord(RecordType::BeginRequest, 4, QByteArray(7, '\0')) << big << QStringList{}
        << AssemblerError::MalformedBeginRequest << 4;
    QTest::newRow("unknown-management-type") << makeRecord(quint8(42), 0, "?") << big
        << QStringList{ "unknown 0 type=42" } << ok << 0;
    QTest::newRow("begin-request-on-id-0-is-unknown") << beginRecord(0) << big
        << QStringList{ "unknown 0 type=1" } << ok << 0;
    QTest::newRow("unknown-type-on-active-request")
        << withParams(1) + makeRecord(RecordType::Stdout, 1, "x") << big
        << QStringList{ "begin 1 role=1 close", "params 1 A=1", "unknown 1 type=6" } << ok << 0;
    QTest::newRow("get-values")
        << makeRecord(RecordType::GetValues, 0, nameValue("FCGI_MAX_CONNS", {})
                + nameValue("FCGI_MAX_REQS", {}) + nameValue("FCGI_MPXS_CONNS", {}))
        << big << QStringList{ "getvalues FCGI_MAX_CONNS,FCGI_MAX_REQS,FCGI_MPXS_CONNS" } << ok
        << 0;
    QTest::newRow("get-values-empty") << makeRecord(RecordType::GetValues, 0, {}) << big
        << QStringList{ "getvalues " } << ok << 0;
    QTest::newRow("malformed-get-values") << makeRecord(RecordType::GetValues, 0, "\x05") << big
        << QStringList{} << AssemblerError::MalformedGetValues << 0;
    QTest::newRow("abort") << withParams(7) + makeRecord(RecordType::AbortRequest, 7, {}) << big
        << QStringList{ "begin 7 role=1 close", "params 7 A=1", "abort 7" } << ok << 0;
    QTest::newRow("params-too-large-rest-discarded")
        << beginRecord(1) + params(1, nameValue("A", QByteArray(100, 'a')))
            + params(1, nameValue("B", "b")) + params(1, {}) + stdinRecord(1, "body")
        << 64 << QStringList{ "begin 1 role=1 close", "toolarge 1", "stdin 1 body" } << ok << 0;
    QTest::newRow("params-too-large-over-several-records")
        << beginRecord(1) + params(1, nameValue("A", QByteArray(30, 'a')))
            + params(1, nameValue("B", QByteArray(30, 'b'))) + params(1, nameValue("C", "c"))
            + params(1, {}) + stdinRecord(1, {})
        << 64 << QStringList{ "begin 1 role=1 close", "toolarge 1", "stdin 1 <end>" } << ok << 0;
    // A declared length past the limit is reported at once, like any oversized stream: the
    // connection survives.
    QTest::newRow("declared-pair-length-past-limit")
        << beginRecord(1) + params(1, fixtures::lengthBytes(11) + fixtures::lengthBytes(1000))
            + params(1, "HTTP_COOKIE" + QByteArray(1000, 'c')) + params(1, {})
            + stdinRecord(1, {})
        << 64 << QStringList{ "begin 1 role=1 close", "toolarge 1", "stdin 1 <end>" } << ok << 0;
    QTest::newRow("truncated-params") << beginRecord(9) + params(9, "\x05\x03" "ab") + params(9, {})
        << big << QStringList{ "begin 9 role=1 close" } << AssemblerError::MalformedParams << 9;
    QTest::newRow("params-after-end-ignored")
        << withParams(1) + params(1, nameValue("LATE", "x")) + params(1, {}) << big
        << QStringList{ "begin 1 role=1 close", "params 1 A=1" } << ok << 0;
    QTest::newRow("stdin-after-end-ignored")
        << withParams(1) + stdinRecord(1, {}) + stdinRecord(1, "stray") + stdinRecord(1, {})
        << big << QStringList{ "begin 1 role=1 close", "params 1 A=1", "stdin 1 <end>" } << ok
        << 0;
    QTest::newRow("filter-data-stream")
        << withParams(1, kFilter) + stdinRecord(1, {}) + makeRecord(RecordType::Data, 1, "file")
            + makeRecord(RecordType::Data, 1, {}) + makeRecord(RecordType::Data, 1, "stray")
        << big << QStringList{ "begin 1 role=3 close", "params 1 A=1", "stdin 1 <end>",
                               "data 1 file", "data 1 <end>" } << ok << 0;
    QTest::newRow("unknown-role-and-flags-reported-raw")
        << beginRecord(1, 0x99, 0xfe) + beginRecord(2, 2, 0xff) << big
        << QStringList{ "begin 1 role=153 close", "begin 2 role=2 keep" } << ok << 0;
    QTest::newRow("interleaved")
        << fixtures::interleave(fixtures::simpleGetRecords(1, "/a"),
                                fixtures::simpleGetRecords(0xffff, "/b"))
        << big
        << QStringList{ "begin 1 role=1 keep", "begin 65535 role=1 keep",
                        "params 1 REQUEST_METHOD=GET&REQUEST_URI=/a",
                        "params 65535 REQUEST_METHOD=GET&REQUEST_URI=/b", "stdin 1 <end>",
                        "stdin 65535 <end>" } << ok << 0;
}

void tst_RequestAssembler::events()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, maxParams);
    QFETCH(QStringList, expected);
    QFETCH(AssemblerError, error);
    QFETCH(int, errorRequestId);
    RequestAssembler assembler(maxParams);
    QCOMPARE(run(assembler, wire), expected);
    QCOMPARE(assembler.error(), error);
    if (error != AssemblerError::None) {
        QCOMPARE(int(assembler.errorRequestId()), errorRequestId);
        QVERIFY(qstrlen(toString(error)) > 0);
        // Sticky: nothing more comes out.
        QCOMPARE(run(assembler, fixtures::simpleGet(100)), QStringList());
    }
}

void tst_RequestAssembler::paramsSplitAnywhere()
{
    // Every way of cutting a PARAMS stream into two records gives the same parameters.
    const QByteArray stream = nameValue(QByteArray(130, 'n'), "v") + nameValue("K", "w");
    for (qsizetype cut = 1; cut < stream.size(); ++cut) {
        RequestAssembler assembler;
        const QStringList events = run(assembler, beginRecord(1) + params(1, stream.first(cut))
                                                      + params(1, stream.sliced(cut)) + params(1, {}));
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1), "params 1 " + QString(130, QLatin1Char('n')) + "=v&K=w");
        QCOMPARE(assembler.error(), AssemblerError::None);
    }
}

void tst_RequestAssembler::releaseAllowsReuse()
{
    RequestAssembler assembler;
    QCOMPARE(run(assembler, fixtures::simpleGet(1)).size(), 3);
    QVERIFY(assembler.isActive(1));
    QCOMPARE(assembler.activeCount(), 1);
    assembler.release(1);
    QVERIFY(!assembler.isActive(1));
    QCOMPARE(assembler.activeCount(), 0);
    QCOMPARE(run(assembler, stdinRecord(1, "after-release")), QStringList());
    QCOMPARE(run(assembler, fixtures::simpleGet(1, "/again")),
             (QStringList{ "begin 1 role=1 keep", "params 1 REQUEST_METHOD=GET&REQUEST_URI=/again",
                           "stdin 1 <end>" }));
    QCOMPARE(assembler.error(), AssemblerError::None);
}

void tst_RequestAssembler::abortKeepsRequestActive()
{
    // ABORT is an event, not a release: the owner still sends END_REQUEST, then releases.
    RequestAssembler assembler;
    run(assembler, withParams(3) + makeRecord(RecordType::AbortRequest, 3, {}));
    QVERIFY(assembler.isActive(3));
    QCOMPARE(run(assembler, stdinRecord(3, "x")), QStringList{ "stdin 3 x" });
    assembler.release(3);
    QCOMPARE(run(assembler, makeRecord(RecordType::AbortRequest, 3, {})), QStringList());
}

QTEST_APPLESS_MAIN(tst_RequestAssembler)
#include "tst_requestassembler.moc"
