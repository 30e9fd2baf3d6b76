// Request bodies and responses through the engine: query strings, urlencoded forms, JSON,
// multipart uploads streamed to temporary files, cookies, redirects. Bad input gets a 400 (or
// 413) with a short reason, never a crash or a request that hangs.
#include "enginetestcase.h"

#include <afcgi/cookies.h>
#include <afcgi/form.h>
#include <afcgi/json.h>
#include <afcgi/multipart.h>
#include <afcgi/request.h>
#include <afcgi/response.h>
#include <afcgi/router.h>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTest>

using namespace afcgi;
using namespace enginetest;

namespace {
const QByteArray kBoundary = QByteArrayLiteral("----afcgiTestBoundary7MA4YWxk");

QByteArray multipartField(const QByteArray &name, const QByteArray &value)
{
    return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}
QByteArray multipartFile(const QByteArray &name, const QByteArray &fileName, const QByteArray &content)
{
    return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName
        + "\"\r\nContent-Type: application/x-test\r\n\r\n" + content + "\r\n";
}
QByteArray multipartEnd()
{
    return "--" + kBoundary + "--\r\n";
}
QByteArray multipartType()
{
    return "multipart/form-data; boundary=" + kBoundary;
}

// Answers with what it read, as JSON: query, form, json, multipart (files by size and SHA-256).
void mountReaders(Router &router)
{
    router.get(QStringLiteral("/query"), [](Request *r) {
        const auto query = readQuery(r);
        if (!query)
            return;
        QJsonArray fields;
        for (const FormField &f : query->fields())
            fields.append(f.name + QLatin1Char('=') + f.value);
        respondJson(r, 200, fields);
    });
    router.post(QStringLiteral("/form"), [](Request *r) {
        readForm(r, [](Request *r, const Form &form) {
            respondJson(r, 200, QJsonObject{{QStringLiteral("tags"), QJsonArray::fromStringList(form.values(u"tag"))},
                                            {QStringLiteral("title"), form.value(u"title")}});
        }, 64);
    });
    router.post(QStringLiteral("/json"), [](Request *r) {
        readJson(r, [](Request *r, const QJsonDocument &doc) {
            QJsonObject o = doc.object();
            o.insert(QStringLiteral("seen"), true);
            respondJson(r, 201, o);
        }, 256);
    });
    router.post(QStringLiteral("/upload"), [](Request *r) {
        MultipartOptions options;
        options.maxFileBytes = 3 * 1024 * 1024;
        options.maxFieldBytes = 100;
        readMultipart(r, [](Request *r, const MultipartForm &form) {
            QJsonArray files;
            for (const UploadedFile &file : form.files) {
                QFile f(file.file->fileName());
                if (!f.open(QIODevice::ReadOnly))
                    return respondError(r, 500, "cannot reopen");
                QCryptographicHash sha(QCryptographicHash::Sha256);
                sha.addData(&f);
                files.append(QJsonObject{{QStringLiteral("name"), file.name},
                                         {QStringLiteral("fileName"), file.fileName},
                                         {QStringLiteral("type"), QString::fromLatin1(file.contentType)},
                                         {QStringLiteral("size"), file.size},
                                         {QStringLiteral("sha256"), QString::fromLatin1(sha.result().toHex())}});
            }
            QJsonArray fields;
            for (const FormField &f : form.fields.fields())
                fields.append(f.name + QLatin1Char('=') + f.value);
            respondJson(r, 200, QJsonObject{{QStringLiteral("fields"), fields}, {QStringLiteral("files"), files}});
        }, options);
    });
    router.get(QStringLiteral("/cookies"), [](Request *r) {
        Cookie session;
        session.name = "session";
        session.value = "s3cr3t";
        session.path = "/";
        session.httpOnly = true;
        session.sameSite = SameSite::Lax;
        setCookie(r, session);
        removeCookie(r, "old");
        const QByteArray seen = requestCookie(r, "theme").value_or("none");
        r->respond(200, "text/plain", seen + ' ' + QByteArray::number(requestCookies(r).size()));
    });
    router.get(QStringLiteral("/go"), [](Request *r) { redirect(r, "/elsewhere", 303); });
}

struct Outcome
{
    int status = 0;
    QByteArray body;
    QByteArray header;
};
} // namespace

class tst_EngineBody : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void bodies_data();
    void bodies();
    void largeUploadStreamsToDisk();
    void cookiesAndRedirect();

private:
    bool startServer();
    Outcome run(QByteArrayView method, QByteArrayView uri, QByteArrayView body = {}, QByteArrayView type = {},
                qsizetype pieceBytes = 65535);
    std::unique_ptr<TestServer> m_server;
    FcgiClient *m_client = nullptr;
};

// A fresh server for each test function and row.
bool tst_EngineBody::startServer()
{
    m_client = nullptr;
    m_server = std::make_unique<TestServer>(QStringLiteral("tcp"));
    mountReaders(m_server->engine().router());
    if (!m_server->start())
        return false;
    m_client = m_server->connectClient();
    return m_client != nullptr;
}

Outcome tst_EngineBody::run(QByteArrayView method, QByteArrayView uri, QByteArrayView body, QByteArrayView type,
                            qsizetype pieceBytes)
{
    const quint16 id = sendRequest(*m_client, method, uri, {}, body, type, pieceBytes);
    if (!waitEnded(*m_client, id, 20000))
        return {};
    const auto response = parse(m_client->takeResponse(id));
    if (!response)
        return {};
    return {response->status, response->body, response->header("Content-Type")};
}

void tst_EngineBody::bodies_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("expected");

    const QByteArray form = "application/x-www-form-urlencoded";
    const QByteArray json = "application/json";
    QTest::newRow("query-repeated-keys") << QByteArray("GET") << QByteArray("/query?tag=a&x=%C3%A9&tag=b+c") << QByteArray()
                                         << QByteArray() << 200 << QByteArray("[\"tag=a\",\"x=\u00e9\",\"tag=b c\"]");
    QTest::newRow("query-bad-escape") << QByteArray("GET") << QByteArray("/query?a=%zz") << QByteArray() << QByteArray()
                                      << 400 << QByteArray("malformed query string: bad percent escape\n");
    QTest::newRow("form") << QByteArray("POST") << QByteArray("/form") << QByteArray("title=Hello+there&tag=x&tag=y")
                          << form << 200 << QByteArray("{\"tags\":[\"x\",\"y\"],\"title\":\"Hello there\"}");
    QTest::newRow("form-charset-param") << QByteArray("POST") << QByteArray("/form") << QByteArray("title=t")
                                        << form + "; charset=UTF-8" << 200 << QByteArray("{\"tags\":[],\"title\":\"t\"}");
    QTest::newRow("form-bad-escape") << QByteArray("POST") << QByteArray("/form") << QByteArray("title=%4") << form
                                     << 400 << QByteArray("malformed form body: bad percent escape\n");
    QTest::newRow("form-wrong-type") << QByteArray("POST") << QByteArray("/form") << QByteArray("title=x") << json
                                     << 400 << QByteArray("expected Content-Type: application/x-www-form-urlencoded\n");
    QTest::newRow("form-too-large") << QByteArray("POST") << QByteArray("/form") << "title=" + QByteArray(100, 'x') << form
                                    << 413 << QByteArray("form body too large\n");
    QTest::newRow("json") << QByteArray("POST") << QByteArray("/json") << QByteArray("{\"title\":\"t\"}") << json
                          << 201 << QByteArray("{\"seen\":true,\"title\":\"t\"}");
    QTest::newRow("json-plus-type") << QByteArray("POST") << QByteArray("/json") << QByteArray("{}")
                                    << QByteArray("application/merge-patch+json") << 201 << QByteArray("{\"seen\":true}");
    QTest::newRow("json-malformed") << QByteArray("POST") << QByteArray("/json") << QByteArray("{\"title\":") << json
                                    << 400 << QByteArray("malformed JSON: unterminated object at offset 9\n");
    QTest::newRow("json-empty") << QByteArray("POST") << QByteArray("/json") << QByteArray() << json
                                << 400 << QByteArray("malformed JSON: illegal value at offset 0\n");
    QTest::newRow("json-wrong-type") << QByteArray("POST") << QByteArray("/json") << QByteArray("{}")
                                     << QByteArray("text/plain") << 400 << QByteArray("expected Content-Type: application/json\n");
    QTest::newRow("json-no-type") << QByteArray("POST") << QByteArray("/json") << QByteArray("{}") << QByteArray()
                                  << 400 << QByteArray("expected Content-Type: application/json\n");
    QTest::newRow("json-too-large") << QByteArray("POST") << QByteArray("/json") << "[" + QByteArray(300, '1') + "]"
                                    << json << 413 << QByteArray("JSON body too large\n");

    const QByteArray upload = multipartField("title", "Notes") + multipartFile("doc", "a b.txt", "hello\r\nworld")
        + multipartField("tag", "x") + multipartFile("empty", "", "") + multipartEnd();
    QTest::newRow("multipart")
        << QByteArray("POST") << QByteArray("/upload") << upload << multipartType() << 200
        << QByteArray("{\"fields\":[\"title=Notes\",\"tag=x\"],\"files\":[{\"fileName\":\"a b.txt\",\"name\":\"doc\","
                      "\"sha256\":\"")
            + QCryptographicHash::hash("hello\r\nworld", QCryptographicHash::Sha256).toHex()
            + "\",\"size\":12,\"type\":\"application/x-test\"}]}";
    QTest::newRow("multipart-truncated") << QByteArray("POST") << QByteArray("/upload") << upload.chopped(10)
                                         << multipartType() << 400
                                         << QByteArray("malformed multipart body: body ends before the closing boundary\n");
    QTest::newRow("multipart-boundary-never-comes")
        << QByteArray("POST") << QByteArray("/upload") << QByteArray(5000, 'z') << multipartType() << 400
        << QByteArray("malformed multipart body: body ends before the closing boundary\n");
    QTest::newRow("multipart-no-boundary") << QByteArray("POST") << QByteArray("/upload") << upload
                                           << QByteArray("multipart/form-data") << 400
                                           << QByteArray("multipart/form-data without a valid boundary\n");
    QTest::newRow("multipart-wrong-type") << QByteArray("POST") << QByteArray("/upload") << upload << form << 400
                                          << QByteArray("expected Content-Type: multipart/form-data\n");
    QTest::newRow("multipart-part-without-name")
        << QByteArray("POST") << QByteArray("/upload")
        << "--" + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n" + multipartEnd() << multipartType() << 400
        << QByteArray("malformed multipart body: a part without Content-Disposition: form-data; name=...\n");
    QTest::newRow("multipart-field-too-large") << QByteArray("POST") << QByteArray("/upload")
                                               << multipartField("f", QByteArray(101, 'x')) + multipartEnd()
                                               << multipartType() << 413 << QByteArray("form field too large\n");
    QTest::newRow("multipart-file-too-large")
        << QByteArray("POST") << QByteArray("/upload")
        << multipartFile("f", "big.bin", QByteArray(3 * 1024 * 1024 + 1, 'x')) + multipartEnd() << multipartType()
        << 413 << QByteArray("file part too large\n");
}

void tst_EngineBody::bodies()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, uri);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, type);
    QFETCH(int, status);
    QFETCH(QByteArray, expected);
    QVERIFY(startServer());
    // Whole records, and the body in pieces of 7 bytes (small inputs only).
    for (qsizetype piece : {qsizetype(65535), qsizetype(7)}) {
        if (piece == 7 && body.size() > 4096)
            continue;
        const Outcome outcome = run(method, uri, body, type, piece);
        QCOMPARE(outcome.status, status);
        QCOMPARE(outcome.body, expected);
    }
}

void tst_EngineBody::largeUploadStreamsToDisk()
{
    // 2.5 MiB in one file part: written to its temporary file as it comes, the same bytes back.
    QByteArray content(2500 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < content.size(); ++i)
        content[i] = char((i * 131) ^ (i >> 9));
    const QByteArray body = multipartFile("blob", "blob.bin", content) + multipartEnd();
    QVERIFY(startServer());
    const Outcome outcome = run("POST", "/upload", body, multipartType(), 16 * 1024);
    QCOMPARE(outcome.status, 200);
    const QJsonObject file = QJsonDocument::fromJson(outcome.body).object()[QLatin1String("files")].toArray().at(0).toObject();
    QCOMPARE(file[QLatin1String("size")].toInteger(), content.size());
    QCOMPARE(file[QLatin1String("sha256")].toString().toLatin1(),
             QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
}

void tst_EngineBody::cookiesAndRedirect()
{
    QVERIFY(startServer());
    const quint16 id = sendRequest(*m_client, "GET", "/cookies",
                                   {{"HTTP_COOKIE", "theme=dark; bad cookie=1; lang=\"en\""}});
    QVERIFY(waitEnded(*m_client, id));
    const auto response = parse(m_client->takeResponse(id));
    QVERIFY(response);
    QCOMPARE(response->body, QByteArray("dark 2"));
    QList<QByteArray> setCookies;
    for (const auto &h : response->headers) {
        if (h.first.compare("Set-Cookie", Qt::CaseInsensitive) == 0)
            setCookies.append(h.second);
    }
    QCOMPARE(setCookies, (QList<QByteArray>{"session=s3cr3t; Path=/; HttpOnly; SameSite=Lax",
                                            "old=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}));

    const quint16 go = sendGet(*m_client, "/go");
    QVERIFY(waitEnded(*m_client, go));
    const auto redirected = parse(m_client->takeResponse(go));
    QVERIFY(redirected);
    QCOMPARE(redirected->status, 303);
    QCOMPARE(redirected->header("Location"), QByteArray("/elsewhere"));
}

QTEST_GUILESS_MAIN(tst_EngineBody)
#include "tst_engine_body.moc"
