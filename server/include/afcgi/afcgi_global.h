#pragma once
// What every public afcgi header includes first: Qt's basics and the export macro.

#include <QtGlobal>

// AFCGI_EXPORT marks exactly the public surface of libafcgi: the classes and functions declared
// in <afcgi/...>. Everything else in the library is built with hidden visibility.
// AFCGI_BUILDING_LIBRARY is defined while the library itself is compiled; AFCGI_STATIC by a
// static build, for the library and for whoever links it.
#if defined(AFCGI_STATIC)
#define AFCGI_EXPORT
#elif defined(AFCGI_BUILDING_LIBRARY)
#define AFCGI_EXPORT Q_DECL_EXPORT
#else
#define AFCGI_EXPORT Q_DECL_IMPORT
#endif
