# Debian packages from CPack, one per group of install components (see server/, gui/,
# resources/ and tests/bench/ for which file is in which component):
#   afcgi          Runtime + Library: afcgid, afcgi-bench, libafcgi.so.<major>, the systemd units,
#                  /etc/afcgi/afcgid.ini (a conffile), man pages, bash completion; the system
#                  user `afcgi` is created in postinst; nothing is enabled or started
#   afcgi-monitor  Monitor: afcgi-monitor, its desktop entry, icons and man page
#   libafcgi-dev   Devel: <afcgi/...>, libafcgi.so, the CMake package afcgi::afcgi, afcgi.pc
# Configure with -DCMAKE_INSTALL_PREFIX=/usr, build, then `cpack -G DEB` in the build directory;
# scripts/package.sh does all three. Linux only.
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
    return()
endif()

set(AFCGI_DEB_MAINTAINER "afcgi maintainers <afcgi@packages.example.org>" CACHE STRING
    "The Maintainer field of the Debian packages")
set(AFCGI_DEB_RELEASE 1 CACHE STRING "The Debian revision of the packages (version-<release>)")

set(_deb ${CMAKE_CURRENT_LIST_DIR})
set(_deb_out ${PROJECT_BINARY_DIR}/debian)

# Every package carries /usr/share/doc/<package>/copyright and changelog.Debian.gz (Debian
# policy 12.5, 12.7). The changelog's date is the project's, not the build's: same input, same bytes.
set(AFCGI_DEB_VERSION ${PROJECT_VERSION}-${AFCGI_DEB_RELEASE})
find_program(AFCGI_GZIP gzip)
set(_deb_docs)
foreach(_pkg IN ITEMS afcgi afcgi-monitor libafcgi-dev)
    configure_file(${_deb}/changelog.in ${_deb_out}/${_pkg}/changelog.Debian @ONLY)
    add_custom_command(OUTPUT ${_deb_out}/${_pkg}/changelog.Debian.gz
        COMMAND ${AFCGI_GZIP} -9 -n -c ${_deb_out}/${_pkg}/changelog.Debian
                > ${_deb_out}/${_pkg}/changelog.Debian.gz
        DEPENDS ${_deb_out}/${_pkg}/changelog.Debian VERBATIM)
    list(APPEND _deb_docs ${_deb_out}/${_pkg}/changelog.Debian.gz)
endforeach()
add_custom_target(afcgi_deb_docs ALL DEPENDS ${_deb_docs})
# Components of their own, EXCLUDE_FROM_ALL: in the packages only, not in a plain `cmake --install`.
foreach(_pkg IN ITEMS afcgi afcgi-monitor libafcgi-dev)
    install(FILES ${_deb}/copyright ${_deb_out}/${_pkg}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${_pkg} COMPONENT DebDoc-${_pkg} EXCLUDE_FROM_ALL)
endforeach()

# The maintainer scripts, with this installation's paths; conffiles lists the sample config.
foreach(_script IN ITEMS postinst prerm postrm conffiles)
    configure_file(${_deb}/afcgi.${_script}.in ${_deb_out}/control/${_script} @ONLY)
endforeach()
file(CHMOD ${_deb_out}/control/postinst ${_deb_out}/control/prerm ${_deb_out}/control/postrm
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                      WORLD_READ WORLD_EXECUTE)

set(CPACK_PACKAGE_NAME afcgi)
set(CPACK_PACKAGE_VENDOR afcgi)
set(CPACK_PACKAGE_CONTACT "${AFCGI_DEB_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Runtime Library DebDoc-afcgi Monitor DebDoc-afcgi-monitor
    Devel DebDoc-libafcgi-dev)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENT_RUNTIME_GROUP afcgi)
set(CPACK_COMPONENT_LIBRARY_GROUP afcgi)
set(CPACK_COMPONENT_DEBDOC-AFCGI_GROUP afcgi)
set(CPACK_COMPONENT_MONITOR_GROUP afcgi-monitor)
set(CPACK_COMPONENT_DEBDOC-AFCGI-MONITOR_GROUP afcgi-monitor)
set(CPACK_COMPONENT_DEVEL_GROUP libafcgi-dev)
set(CPACK_COMPONENT_DEBDOC-LIBAFCGI-DEV_GROUP libafcgi-dev)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # <name>_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${AFCGI_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${AFCGI_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON) # Depends: from the libraries the programs link (Qt, libc)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_AFCGI_PACKAGE_NAME afcgi)
set(CPACK_DEBIAN_AFCGI_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_AFCGI_PACKAGE_SUGGESTS "afcgi-monitor, nginx | haproxy | apache2 | lighttpd")
# libafcgi.so.<major> is in this package: a shlibs file, and the ldconfig trigger (CPack adds
# it only to maintainer scripts of its own, and this package has its own).
# (CPack has no per-package switch for it; only afcgi holds a library with a SONAME.)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_AFCGI_PACKAGE_CONTROL_EXTRA
    ${_deb_out}/control/postinst ${_deb_out}/control/prerm ${_deb_out}/control/postrm
    ${_deb_out}/control/conffiles ${_deb}/triggers)
set(CPACK_DEBIAN_AFCGI_DESCRIPTION
"asynchronous, multiplexing FastCGI application server
afcgid serves FastCGI requests from nginx, Apache, lighttpd, Caddy or HAProxy
with one process and one event loop per CPU, and any number of requests in
flight on one connection or on many: long polling, server-sent events and
slow back ends cost no process and no thread. It has built-in health,
status, metrics and publish/subscribe handlers, and loads applications
written against libafcgi.

This package holds afcgid, the afcgi-bench load generator, the shared
library libafcgi, systemd units (not enabled) and a sample configuration.")

set(CPACK_DEBIAN_AFCGI-MONITOR_PACKAGE_NAME afcgi-monitor)
set(CPACK_DEBIAN_AFCGI-MONITOR_PACKAGE_SECTION net)
set(CPACK_DEBIAN_AFCGI-MONITOR_PACKAGE_SUGGESTS afcgi)
set(CPACK_DEBIAN_AFCGI-MONITOR_DESCRIPTION
"desktop monitor for the afcgid FastCGI server
afcgi-monitor connects to a running afcgid through its local monitor channel
and shows the requests in flight, recent completions, open connections,
throughput and latency charts and the server's log, live.")

set(CPACK_DEBIAN_LIBAFCGI-DEV_PACKAGE_NAME libafcgi-dev)
set(CPACK_DEBIAN_LIBAFCGI-DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_LIBAFCGI-DEV_PACKAGE_DEPENDS
    "afcgi (= ${AFCGI_DEB_VERSION}), qt6-base-dev (>= ${AFCGI_QT_MIN_VERSION})")
set(CPACK_DEBIAN_LIBAFCGI-DEV_PACKAGE_SHLIBDEPS OFF) # headers and CMake files only
set(CPACK_DEBIAN_LIBAFCGI-DEV_DESCRIPTION
"development files for libafcgi, the afcgi FastCGI server library
The public <afcgi/...> headers, the CMake package (find_package(afcgi) gives
the imported target afcgi::afcgi) and a pkg-config file, to write FastCGI
applications in C++ with Qt 6 that run on their own or inside afcgid.")

include(CPack)
