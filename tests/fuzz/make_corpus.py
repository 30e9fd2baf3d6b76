#!/usr/bin/env python3
"""Writes the seed corpus in tests/fuzz/corpus/<target>/ (checked in; run again after editing).

The record streams are what a web server sends: a GET, a POST with a body, GET_VALUES, an
abort, two interleaved requests, and a few more for the other handlers and roles. The monitor
lines are the captured session of common/MONITOR_PROTOCOL.md.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

BEGIN, ABORT, END, PARAMS, STDIN, STDOUT, STDERR, DATA, GET_VALUES = 1, 2, 3, 4, 5, 6, 7, 8, 9
RESPONDER, AUTHORIZER, FILTER = 1, 2, 3
KEEP_CONN = 1


def record(rtype, rid, content=b"", pad_to_8=True):
    padding = (8 - len(content) % 8) % 8 if pad_to_8 else 0
    return struct.pack(">BBHHBx", 1, rtype, rid, len(content), padding) + content + b"\0" * padding


def length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def name_value(name, value):
    return length(len(name)) + length(len(value)) + name + value


def params(pairs):
    return b"".join(name_value(k, v) for k, v in pairs)


def begin(rid, role=RESPONDER, flags=KEEP_CONN):
    return record(BEGIN, rid, struct.pack(">HB5x", role, flags))


def request(rid, method, uri, body=b"", extra=(), role=RESPONDER, flags=KEEP_CONN):
    """The records of one request, as a list (so that two can be interleaved)."""
    pairs = [(b"REQUEST_METHOD", method), (b"REQUEST_URI", uri), (b"SERVER_PROTOCOL", b"HTTP/1.1")]
    if body:
        pairs += [(b"CONTENT_LENGTH", str(len(body)).encode()), (b"CONTENT_TYPE", b"text/plain")]
    pairs += list(extra)
    out = [begin(rid, role, flags), record(PARAMS, rid, params(pairs)), record(PARAMS, rid)]
    if body:
        out.append(record(STDIN, rid, body))
    out.append(record(STDIN, rid))
    return out


def interleave(a, b):
    out = []
    for i in range(max(len(a), len(b))):
        out += a[i:i + 1] + b[i:i + 1]
    return b"".join(out)


RECORD_STREAMS = {
    "get": b"".join(request(1, b"GET", b"/hello")),
    "get-no-keepconn": b"".join(request(1, b"GET", b"/hello", flags=0)),
    "post-stdin": b"".join(request(1, b"POST", b"/echo", body=b"name=afcgi&answer=42\n")),
    "post-stdin-spooled": b"".join(request(1, b"POST", b"/echo", body=b"x" * 600)),
    "get-values": record(GET_VALUES, 0, params([(b"FCGI_MAX_CONNS", b""), (b"FCGI_MAX_REQS", b""),
                                                (b"FCGI_MPXS_CONNS", b""), (b"UNKNOWN", b"")])),
    "abort": b"".join(request(1, b"GET", b"/delay?ms=1000")) + record(ABORT, 1),
    "interleaved": interleave(request(1, b"GET", b"/hello"),
                              request(2, b"POST", b"/echo", body=b"second request body")),
    "stream": b"".join(request(3, b"GET", b"/stream?count=50")),
    "stream-sse": b"".join(request(4, b"GET", b"/stream?count=5&interval_ms=0&sse=1")),
    "delay-zero": b"".join(request(5, b"GET", b"/delay?ms=0")),
    "not-found": b"".join(request(6, b"GET", b"/nowhere/%2e%2e?x=1")),
    "script-name-path-info": b"".join(request(7, b"GET", b"", extra=[
        (b"SCRIPT_NAME", b"/echo"), (b"PATH_INFO", b"/x"), (b"QUERY_STRING", b"a=b")])),
    "filter-data": b"".join(request(8, b"POST", b"/echo", body=b"in", role=FILTER))
                   + record(DATA, 8, b"filtered data") + record(DATA, 8),
    "authorizer": b"".join(request(9, b"GET", b"/hello", role=AUTHORIZER)),
    "unknown-role-and-type": begin(10, role=7) + record(99, 0, b"????????"),
    "long-param": b"".join(request(11, b"GET", b"/hello", extra=[(b"HTTP_COOKIE", b"c" * 200)])),
    "content-length-too-large": b"".join(request(12, b"POST", b"/echo", extra=[
        (b"CONTENT_LENGTH", b"99999999")])),
    "unpadded": b"".join(record(t, 13, c, pad_to_8=False) for t, c in [
        (BEGIN, struct.pack(">HB5x", RESPONDER, KEEP_CONN)),
        (PARAMS, params([(b"REQUEST_URI", b"/hello")])), (PARAMS, b""), (STDIN, b"")]),
}

NAME_VALUE_BLOCKS = {
    "cgi-params": params([(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/hello?x=1"),
                          (b"SERVER_PROTOCOL", b"HTTP/1.1"), (b"HTTP_HOST", b"localhost")]),
    "get-values": params([(b"FCGI_MAX_CONNS", b""), (b"FCGI_MAX_REQS", b""), (b"FCGI_MPXS_CONNS", b"")]),
    "long-value": params([(b"HTTP_COOKIE", b"c" * 300), (b"A", b"")]),
    "four-byte-short-lengths": struct.pack(">II", 0x80000003, 0x80000002) + b"KEYvv",
    "empty-pair": b"\0\0",
}


def multipart(*parts, boundary=b"XyZ123", preamble=b"", epilogue=b""):
    body = preamble
    for headers, content in parts:
        body += b"--" + boundary + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + content + b"\r\n"
    return body + b"--" + boundary + b"--\r\n" + epilogue


def form_data(name, filename=None):
    disposition = b'Content-Disposition: form-data; name="' + name + b'"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return disposition


# multipart/form-data bodies with the boundary XyZ123, as browsers and curl send them.
MULTIPART_BODIES = {
    "one-field": multipart(([form_data(b"title")], b"Hello")),
    "field-and-file": multipart(([form_data(b"title")], b"Notes"),
                                ([form_data(b"doc", b"a.txt"), b"Content-Type: text/plain"], b"line 1\r\nline 2\r\n")),
    "empty-file-input": multipart(([form_data(b"f", b""), b"Content-Type: application/octet-stream"], b"")),
    "boundary-like-content": multipart(([form_data(b"x")], b"--XyZ123x\r\n--XyZ12\r\n-")),
    "preamble-epilogue": multipart(([form_data(b"a")], b"1"), preamble=b"preamble\r\n", epilogue=b"epilogue"),
    "padding-and-folding": b"--XyZ123 \t\r\nA: one\r\n two\r\n\r\nv\r\n--XyZ123--",
    "truncated": multipart(([form_data(b"a")], b"12345"))[:-12],
}

# Query strings, form bodies, Cookie headers, header values, Range values and HTTP dates: the
# same target reads each with every parser.
FORM_COOKIE_INPUTS = {
    "query": b"tag=a&tag=b+c&name=caf%C3%A9&empty=&flag",
    "bad-escape": b"a=%zz&b=%4",
    "cookies": b'sid=abc; theme="dark"; bad cookie=1; =x; lang=en',
    "content-type": b'multipart/form-data; boundary="----x y"; charset=utf-8',
    "disposition": b'form-data; name="file"; filename="a \\"b\\".txt"',
    "range": b"bytes=0-499",
    "range-suffix": b"bytes=-500",
    "date-imf": b"Sun, 06 Nov 1994 08:49:37 GMT",
    "date-rfc850": b"Sunday, 06-Nov-94 08:49:37 GMT",
    "date-asctime": b"Sun Nov  6 08:49:37 1994",
}


def monitor_lines():
    lines = []
    with open(os.path.join(HERE, "..", "..", "common", "MONITOR_PROTOCOL.md"), "rb") as f:
        for line in f:
            if line.startswith(b"{"):
                lines.append(line.rstrip(b"\r\n"))
    return lines


# What CGI programs write: the first byte picks the mode (bit 0: nph-) and the size limit
# (bit 1: 64 bytes); the rest is the program's output (tests/fuzz/fuzz_cgiheaderparser.cpp).
CGI_OUTPUTS = {
    "document": b"\x00Content-Type: text/html\r\n\r\n<p>hello</p>",
    "lf-only": b"\x00Content-Type: text/plain\nX-A: 1\n\nbody\n",
    "status": b"\x00Status: 404 Not Found\nContent-Type: text/plain\n\nnot here",
    "client-redirect": b"\x00Location: http://example.org/\n\n",
    "local-redirect": b"\x00Location: /other?x=1\n\n",
    "folded": b"\x00Content-Type: a/b\nX-Long: one\n two\n\n",
    "cookies": b"\x00Content-Type: a/b\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n",
    "no-header": b"\x00hello world\n",
    "truncated": b"\x00Content-Type: text/pl",
    "small-limit": b"\x02Content-Type: text/plain\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n\n",
    "nph": b"\x01HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbody",
    "nph-chunked": b"\x01HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    "git-info-refs": b"\x00Expires: Fri, 01 Jan 1980 00:00:00 GMT\r\nPragma: no-cache\r\n"
                     b"Cache-Control: no-cache, max-age=0, must-revalidate\r\n"
                     b"Content-Type: application/x-git-upload-pack-advertisement\r\n\r\n001e# service=git-upload-pack\n",
}


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    for name, data in RECORD_STREAMS.items():
        write("fuzz_recorddecoder", name, data)
        write("fuzz_connection", name, data)
    write("fuzz_recorddecoder", "bad-version", b"\x02" + RECORD_STREAMS["get"][1:])
    for name, data in NAME_VALUE_BLOCKS.items():
        write("fuzz_namevalue", name, data)
    lines = monitor_lines()
    assert lines, "no captured session in MONITOR_PROTOCOL.md"
    for i, line in enumerate(lines):
        kind = line.split(b'"')[3].decode() if line.startswith(b'{"type"') else "command"
        write("fuzz_monitorprotocol", "%02d-%s" % (i, kind), line + b"\n")
    write("fuzz_monitorprotocol", "session-crlf", b"\r\n".join(lines) + b"\r\n\r\n")
    for name, data in MULTIPART_BODIES.items():
        write("fuzz_multipart", name, data)
    for name, data in FORM_COOKIE_INPUTS.items():
        write("fuzz_formcookie", name, data)
    for name, data in CGI_OUTPUTS.items():
        write("fuzz_cgiheaderparser", name, data)


if __name__ == "__main__":
    main()
