// The meta-variables a CGI program is run with (RFC 3875 section 4.1), made from FastCGI params.
#include "handlers/cgi/cgienvironment.h"

#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace afcgi;

namespace {

using Variables = QMap<QByteArray, QByteArray>;

Variables toMap(const QList<QByteArray> &list)
{
    Variables map;
    for (const QByteArray &entry : list) {
        const qsizetype eq = entry.indexOf('=');
        map.insert(entry.left(eq), entry.mid(eq + 1));
    }
    return map;
}

NameValueList nginxParams()
{
    return {{"QUERY_STRING", "a=1"},     {"REQUEST_METHOD", "GET"},
            {"CONTENT_TYPE", ""},        {"CONTENT_LENGTH", ""},
            {"SCRIPT_NAME", "/git/r.git/info/refs"}, {"REQUEST_URI", "/git/r.git/info/refs?a=1"},
            {"DOCUMENT_ROOT", "/srv/www/"}, {"SERVER_PROTOCOL", "HTTP/1.1"},
            {"GATEWAY_INTERFACE", "CGI/1.1"}, {"SERVER_SOFTWARE", "nginx/1.22.1"},
            {"REMOTE_ADDR", "127.0.0.1"}, {"HTTP_USER_AGENT", "git/2.39"}};
}

} // namespace

class tst_CgiEnvironment : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void paramsPassed();
    void unsafeParamsDropped_data();
    void unsafeParamsDropped();
    void lastRepeatWins();
    void emptyBodyVariablesUnset();
    void defaultsForWhatIsMissing();
    void queryFromRequestUri();
    void mountedScript_data();
    void mountedScript();
    void configuredWins();
    void requestTargetOfALocalRedirect();
    void sortedAndNothingOfOurs();
};

void tst_CgiEnvironment::init()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_CgiEnvironment::paramsPassed()
{
    const Variables env = toMap(CgiEnvironment(nginxParams()).toList());
    QCOMPARE(env.value("QUERY_STRING"), "a=1");
    QCOMPARE(env.value("HTTP_USER_AGENT"), "git/2.39");
    QCOMPARE(env.value("SERVER_SOFTWARE"), "nginx/1.22.1"); // the front end's, not ours
    QCOMPARE(env.value("SCRIPT_NAME"), "/git/r.git/info/refs");
}

void tst_CgiEnvironment::unsafeParamsDropped_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("httpoxy") << QByteArray("HTTP_PROXY") << QByteArray("http://evil:8080");
    QTest::newRow("equals-in-name") << QByteArray("A=B") << QByteArray("x");
    QTest::newRow("dash-in-name") << QByteArray("HTTP_X-Y") << QByteArray("x");
    QTest::newRow("leading-digit") << QByteArray("1ABC") << QByteArray("x");
    QTest::newRow("empty-name") << QByteArray() << QByteArray("x");
    QTest::newRow("nul-in-value") << QByteArray("HTTP_X") << QByteArray("a\0b", 3);
    QTest::newRow("space-in-name") << QByteArray("HTTP X") << QByteArray("x");
}

void tst_CgiEnvironment::unsafeParamsDropped()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    NameValueList params = nginxParams();
    params.append(NameValue{name, value});
    const QList<QByteArray> list = CgiEnvironment(params).toList();
    QCOMPARE(list.size(), CgiEnvironment(nginxParams()).toList().size());
    for (const QByteArray &entry : list)
        QVERIFY2(!entry.startsWith(name + '=') || name.isEmpty(), entry.constData());
}

void tst_CgiEnvironment::lastRepeatWins()
{
    NameValueList params = nginxParams();
    params.append(NameValue{"REMOTE_ADDR", "10.0.0.1"});
    QCOMPARE(toMap(CgiEnvironment(params).toList()).value("REMOTE_ADDR"), "10.0.0.1");
}

void tst_CgiEnvironment::emptyBodyVariablesUnset()
{
    Variables env = toMap(CgiEnvironment(nginxParams()).toList());
    QVERIFY(!env.contains("CONTENT_LENGTH"));
    QVERIFY(!env.contains("CONTENT_TYPE"));

    NameValueList post = nginxParams();
    post.append(NameValue{"CONTENT_LENGTH", "12"});
    post.append(NameValue{"CONTENT_TYPE", "application/x-git-upload-pack-request"});
    env = toMap(CgiEnvironment(post).toList());
    QCOMPARE(env.value("CONTENT_LENGTH"), "12");
    QCOMPARE(env.value("CONTENT_TYPE"), "application/x-git-upload-pack-request");
}

void tst_CgiEnvironment::defaultsForWhatIsMissing()
{
    const Variables env = toMap(CgiEnvironment(NameValueList{{"REQUEST_URI", "/x"}}).toList());
    QCOMPARE(env.value("GATEWAY_INTERFACE"), "CGI/1.1");
    QCOMPARE(env.value("REQUEST_METHOD"), "GET");
    QCOMPARE(env.value("SERVER_PROTOCOL"), "HTTP/1.1");
    QCOMPARE(env.value("SERVER_SOFTWARE"), "afcgid/" AFCGI_VERSION);
    QCOMPARE(env.value("PATH"), CgiEnvironment::kDefaultPath);
    QVERIFY(env.contains("QUERY_STRING")); // set, and empty: RFC 3875 4.1.7
    QCOMPARE(env.value("QUERY_STRING"), QByteArray());
}

void tst_CgiEnvironment::queryFromRequestUri()
{
    const Variables env = toMap(CgiEnvironment(NameValueList{{"REQUEST_URI", "/x?p=1&q"}}).toList());
    QCOMPARE(env.value("QUERY_STRING"), "p=1&q");
}

void tst_CgiEnvironment::mountedScript_data()
{
    QTest::addColumn<QByteArray>("scriptName");
    QTest::addColumn<QByteArray>("pathInfo");
    QTest::addColumn<QByteArray>("documentRoot");
    QTest::addColumn<QByteArray>("translated"); // empty: unset
    QTest::newRow("with-path-info") << QByteArray("/git") << QByteArray("/r.git/info/refs")
                                    << QByteArray("/srv/www/") << QByteArray("/srv/www/r.git/info/refs");
    QTest::newRow("no-path-info") << QByteArray("/git") << QByteArray() << QByteArray("/srv/www") << QByteArray();
    QTest::newRow("no-document-root") << QByteArray("/git") << QByteArray("/r") << QByteArray() << QByteArray();
    QTest::newRow("mounted-on-root") << QByteArray() << QByteArray("/r/log") << QByteArray("/srv")
                                     << QByteArray("/srv/r/log");
}

void tst_CgiEnvironment::mountedScript()
{
    QFETCH(QByteArray, scriptName);
    QFETCH(QByteArray, pathInfo);
    QFETCH(QByteArray, documentRoot);
    QFETCH(QByteArray, translated);
    NameValueList params = nginxParams();
    params.append(NameValue{"DOCUMENT_ROOT", documentRoot});
    params.append(NameValue{"PATH_INFO", "/from-the-front-end"});
    params.append(NameValue{"PATH_TRANSLATED", "/from-the-front-end"});
    CgiEnvironment environment(params);
    environment.setMountedScript(scriptName, pathInfo, "/usr/lib/git-core/git-http-backend");
    const Variables env = toMap(environment.toList());
    QCOMPARE(env.value("SCRIPT_NAME"), scriptName);
    QVERIFY(env.contains("SCRIPT_NAME"));
    QCOMPARE(env.value("SCRIPT_FILENAME"), "/usr/lib/git-core/git-http-backend");
    QCOMPARE(env.contains("PATH_INFO"), !pathInfo.isEmpty());
    QCOMPARE(env.value("PATH_INFO"), pathInfo);
    QCOMPARE(env.contains("PATH_TRANSLATED"), !translated.isEmpty());
    QCOMPARE(env.value("PATH_TRANSLATED"), translated);
}

void tst_CgiEnvironment::configuredWins()
{
    NameValueList params = nginxParams();
    params.append(NameValue{"GIT_PROJECT_ROOT", "/from/the/front/end"});
    CgiEnvironment environment(params);
    environment.setAll({{"GIT_PROJECT_ROOT", "/srv/git"}, {"GIT_HTTP_EXPORT_ALL", ""}, {"PATH", "/opt/bin"}});
    const Variables env = toMap(environment.toList());
    QCOMPARE(env.value("GIT_PROJECT_ROOT"), "/srv/git");
    QVERIFY(env.contains("GIT_HTTP_EXPORT_ALL"));
    QCOMPARE(env.value("PATH"), "/opt/bin");
}

void tst_CgiEnvironment::requestTargetOfALocalRedirect()
{
    CgiEnvironment environment(nginxParams());
    environment.setRequestTarget("/other/page", "b=2");
    const Variables env = toMap(environment.toList());
    QCOMPARE(env.value("QUERY_STRING"), "b=2");
    QCOMPARE(env.value("REQUEST_URI"), "/other/page?b=2");
    environment.setRequestTarget("/plain", {});
    QCOMPARE(toMap(environment.toList()).value("REQUEST_URI"), "/plain");
}

void tst_CgiEnvironment::sortedAndNothingOfOurs()
{
    qputenv("AFCGI_TEST_SECRET", "do-not-pass");
    const QList<QByteArray> list = CgiEnvironment(nginxParams()).toList();
    QList<QByteArray> names;
    for (const QByteArray &entry : list)
        names.append(entry.left(entry.indexOf('=')));
    QVERIFY(std::is_sorted(names.cbegin(), names.cend()));
    for (const QByteArray &entry : list) {
        QVERIFY2(!entry.startsWith("AFCGI_TEST_SECRET="), entry.constData());
        QVERIFY2(!entry.startsWith("HOME="), entry.constData());
    }
}

QTEST_APPLESS_MAIN(tst_CgiEnvironment)
#include "tst_cgienvironment.moc"
