// A FastCGI responder on Go's standard net/http/fcgi: the peer a Go back end looks like.
//
//	go-fcgi -addr 127.0.0.1:9001 | -addr unix:/tmp/x.sock
//
// Routes as afcgid's built-ins: /hello -> "Hello world\n" (text/plain); /echo -> the body back;
// /delay?ms=N (0..600000) -> "delayed N ms\n" after N ms; else 404.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9001", "host:port or unix:/path")
	flag.Parse()

	network, address := "tcp", *addr
	if strings.HasPrefix(address, "unix:") {
		network, address = "unix", strings.TrimPrefix(address, "unix:")
		os.Remove(address)
	}
	l, err := net.Listen(network, address)
	if err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "Hello world\n")
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		io.Copy(w, r.Body)
	})
	mux.HandleFunc("/delay", func(w http.ResponseWriter, r *http.Request) {
		ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
		if err != nil || ms < 0 || ms > 600000 {
			http.Error(w, "bad ms", http.StatusBadRequest)
			return
		}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done(): // the web server aborted the request or closed the connection
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "delayed %d ms\n", ms)
	})
	log.Fatal(fcgi.Serve(l, mux))
}
