#!/usr/bin/env python3
"""Compiles the sources a Windows build compiles, here, with MinGW-w64's g++ (syntax only).

What breaks a Windows build first is a POSIX header or call outside a guard, or a _win.cpp
file that has never met a compiler. This takes a configured and built Linux build directory
(its compile_commands.json and the moc output under it; scripts/test.sh uses build/portable,
whose I/O path is Windows's), swaps every *_unix.cpp for its *_win.cpp sibling (and drops the
Linux-only ones), and runs x86_64-w64-mingw32-g++ -fsyntax-only -Wall -Wextra -Werror on each,
with _WIN32 defined by the compiler and this machine's Qt headers. It is not MSVC, and Qt's
headers are configured for Linux: the hosted workflow does the real build; this catches the
plain breakers on every run here. Test suites that neither include a platform's header nor test
for a platform (nor do their headers) are left out: see is_platform_neutral_test().

  tests/ci/check_windows_sources.py BUILD_DIR [--jobs N]

Exit status: 0 passed, 1 failed, 77 skipped (no MinGW-w64 g++, unless AFCGI_TEST_STRICT=1).
"""

import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
SKIPPED = 77
COMPILERS = ["x86_64-w64-mingw32-g++-posix", "x86_64-w64-mingw32-g++"]
# Optional C libraries whose headers live in the system's include directory, which MinGW's g++
# does not search (and must not: it would find <poll.h> and the rest there too). Only these
# directories are made visible, through a directory of links.
OPTIONAL_HEADER_DIRS = ("hiredis",)
# Linux-only sources without a Windows sibling, and the tests of the Unix-only channel, the
# epoll dispatcher, the CGI bridge's children and the squatting check as another user (not built
# on Windows: tests/server/ and tests/e2e/CMakeLists.txt).
LINUX_ONLY = ("_linux.cpp", "tst_socketchannel.cpp", "tst_eventdispatcher.cpp",
              "tst_childprocess.cpp", "tst_cgibridge.cpp", "tst_e2e_cgi.cpp",
              "tst_monitor_squatting.cpp")


# What makes a source platform-dependent: a system header of one platform, or a platform test.
PLATFORM_MARK = re.compile(
    rb"#\s*include\s*<(?:sys/|(?:unistd|fcntl|poll|signal|pwd|grp|spawn|dlfcn|termios|"
    rb"windows|winsock2|ws2tcpip|io|process)\.h>)|Q_OS_|_WIN32|__linux__|__APPLE__")
QUOTED_INCLUDE = re.compile(rb'#\s*include\s*"([^"]+)"')
# The test suites (not tests/bench, whose programs are installed) are checked only where they
# or a header of theirs are platform-dependent: the others hold nothing a Windows compiler
# sees differently, and compiling all of them here took two minutes of every CI run.
TESTS_DIR = ROOT / "tests"
INSTALLED_TOOLS_DIR = TESTS_DIR / "bench"


def mentions_a_platform(path, include_dirs, seen=None):
    """Whether `path`, or a header of this tree that it includes, is platform-dependent."""
    seen = set() if seen is None else seen
    if path in seen:
        return False
    seen.add(path)
    text = path.read_bytes()
    if PLATFORM_MARK.search(text):
        return True
    for name in QUOTED_INCLUDE.findall(text):
        for directory in (path.parent, *include_dirs):
            header = (directory / name.decode()).resolve()
            if header.is_file() and ROOT in header.parents:
                if mentions_a_platform(header, include_dirs, seen):
                    return True
                break
    return False


def is_platform_neutral_test(path, flags):
    if TESTS_DIR not in path.parents or INSTALLED_TOOLS_DIR in path.parents:
        return False
    include_dirs = [pathlib.Path(f[2:]) for f in flags if f.startswith("-I")]
    return not mentions_a_platform(path, include_dirs)


def windows_sources(build_dir):
    """(source, flags) for each file a Windows build compiles, from the Linux build's commands."""
    entries = json.loads((build_dir / "compile_commands.json").read_text())
    sources = {}
    for entry in entries:
        path = pathlib.Path(entry["file"])
        if build_dir in path.parents or any(str(path).endswith(s) for s in LINUX_ONLY):
            continue  # generated files (mocs_compilation, qrc) come in through the sources
        if path.name.endswith("_unix.cpp"):
            sibling = path.with_name(path.name[: -len("_unix.cpp")] + "_win.cpp")
            if not sibling.exists():
                continue
            path = sibling
        arguments = shlex.split(entry["command"]) if "command" in entry else entry["arguments"]
        flags = []
        for i, argument in enumerate(arguments):
            if argument == "-isystem":
                flags += [argument, arguments[i + 1]]
            elif argument.startswith(("-I", "-D")) and argument != "-DQT_NO_DEBUG":
                flags.append(argument)
        if not is_platform_neutral_test(path, flags):
            sources[path] = flags
    return sources


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", type=pathlib.Path)
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2")))
    args = parser.parse_args()
    compiler = next((c for c in COMPILERS if shutil.which(c)), None)
    if not compiler:
        reason = "MinGW-w64 g++ is not installed (Debian: g++-mingw-w64-x86-64-posix)"
        if os.environ.get("AFCGI_TEST_STRICT") == "1":
            print(f"FAIL: {reason} (AFCGI_TEST_STRICT=1: missing is a failure)")
            return 1
        print(f"SKIP: {reason}")
        return SKIPPED
    build_dir = args.build_dir.resolve()
    sources = windows_sources(build_dir)
    optional_headers = tempfile.TemporaryDirectory()
    for name in OPTIONAL_HEADER_DIRS:
        system_dir = pathlib.Path("/usr/include") / name
        if system_dir.is_dir():
            (pathlib.Path(optional_headers.name) / name).symlink_to(system_dir)
    for flags in sources.values():
        flags += ["-idirafter", optional_headers.name]

    def check(item):
        path, flags = item
        done = subprocess.run([compiler, "-fsyntax-only", "-std=gnu++17", "-Wall", "-Wextra",
                               "-Werror", *flags, str(path)], capture_output=True, text=True)
        return path, done.returncode, done.stderr

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for path, code, errors in pool.map(check, sorted(sources.items())):
            if code != 0 or errors.strip():
                failed += 1
                print(f"=== {path.relative_to(ROOT)}\n{errors}")
    print(f"{len(sources)} sources of the Windows build, {failed} failed ({compiler})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
