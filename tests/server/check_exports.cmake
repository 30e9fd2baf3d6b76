# libafcgi exports exactly its public surface: every dynamic symbol that names afcgi:: belongs to
# a class of <afcgi/...>, and the public classes are there. Run by CTest:
#   cmake -DNM=nm -DLIBRARY=libafcgi.so -P check_exports.cmake
execute_process(COMMAND ${NM} -D -C --defined-only ${LIBRARY}
                OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${LIBRARY}")
endif()

# The public classes, then the public free functions (form.h, json.h, multipart.h, cookies.h,
# files.h, response.h, and async.h's one non-template helper).
set(public "^(typeinfo name for |typeinfo for |vtable for )?afcgi::(Handler|Request|Hub|Router|RouteTarget|ServerInfo|Service|Form|Cookie)(::|$)")
set(public_functions "^afcgi::(readQuery|readForm|readJson|respondJson|readMultipart|requestCookies|requestCookie|setCookie|removeCookie|sendFile|respondError|redirect|detail::answerException|detail::threadContext)\\(")
string(REGEX MATCHALL "[^\n]*afcgi::[^\n]*" lines "${symbols}")
set(unexpected "")
foreach(line IN LISTS lines)
    string(REGEX REPLACE "^[0-9a-fA-F]* +[A-Za-z] +" "" symbol "${line}")
    if(NOT symbol MATCHES "${public}" AND NOT symbol MATCHES "${public_functions}")
        string(APPEND unexpected "\n  ${symbol}")
    endif()
endforeach()
if(unexpected)
    message(FATAL_ERROR "exported but not public:${unexpected}")
endif()

foreach(expected IN ITEMS "vtable for afcgi::Handler" "afcgi::Request::write(QByteArrayView)"
                          "afcgi::Request::staticMetaObject" "afcgi::Router::mount("
                          "afcgi::Router::get(" "afcgi::RouteTarget::fromFunction("
                          "afcgi::Request::pathParam(" "afcgi::readMultipart(" "afcgi::Form::parse("
                          "afcgi::Cookie::toSetCookie() const" "afcgi::sendFile("
                          "afcgi::detail::answerException("
                          "afcgi::Service::Service(" "afcgi::Service::serverInfo() const"
                          "afcgi::Hub::publish(")
    string(FIND "${symbols}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "not exported: ${expected}")
    endif()
endforeach()
list(LENGTH lines count)
message(STATUS "${count} exported afcgi:: symbols, all public")
