package front

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
)

// BenchmarkRoundTrip sends requests one after another on one kept-alive
// connection to a handler that answers with a Content-Length, through the
// lean loop and through net/http alone: the time and allocations per
// request of each server, client included.
func BenchmarkRoundTrip(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		w.Header()["Content-Type"] = []string{"text/plain"}
		w.Header()["Content-Length"] = []string{"4"}
		io.WriteString(w, "pong")
	})
	for _, tc := range []struct {
		name  string
		serve func(net.Listener) (stop func())
	}{
		{"lean", func(ln net.Listener) func() {
			s := &Server{HTTP: &http.Server{Handler: h}}
			go s.Serve(ln)
			return func() { s.Close() }
		}},
		{"net-http", func(ln net.Listener) func() {
			s := &http.Server{Handler: h}
			go s.Serve(ln)
			return func() { s.Shutdown(context.Background()) }
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer tc.serve(ln)()
			nc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer nc.Close()
			req := []byte("POST /2023-03-30/functions/f/invocations HTTP/1.1\r\nHost: x\r\n" +
				"Content-Type: application/octet-stream\r\nContent-Length: 4\r\n\r\nping")
			br := bufio.NewReader(nc)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := nc.Write(req); err != nil {
					b.Fatal(err)
				}
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
