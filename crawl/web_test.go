package crawl_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nlnwa/gowarc/v2"

	"github.com/gpai-project/gpai/crawl"
	"github.com/gpai-project/gpai/warc"
)

// A route answers a request; hit counts the requests for the same URL,
// from 1.
type route func(w http.ResponseWriter, r *http.Request, hit int)

// testWeb is a web of many sites served by one loopback server: the
// crawler's transport connects to it for every host name, and it answers
// by the Host header. It records every request.
type testWeb struct {
	srv *httptest.Server

	mu       sync.Mutex
	routes   map[string]route // host + request URI
	hits     map[string]int
	log      []request
	sent     []request
	inflight map[string]int
	peak     map[string]int
}

type request struct {
	host, uri, ua string
	start         time.Time
}

func newWeb(t testing.TB) *testWeb {
	w := &testWeb{routes: map[string]route{}, hits: map[string]int{}, inflight: map[string]int{}, peak: map[string]int{}}
	w.srv = httptest.NewServer(w)
	t.Cleanup(w.srv.Close)
	return w
}

func (w *testWeb) handle(host, uri string, r route) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.routes[host+uri] = r
}

func (w *testWeb) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	key := host + r.URL.RequestURI()
	w.mu.Lock()
	w.hits[key]++
	hit := w.hits[key]
	w.log = append(w.log, request{host: host, uri: r.URL.RequestURI(), ua: r.UserAgent(), start: time.Now()})
	w.inflight[host]++
	w.peak[host] = max(w.peak[host], w.inflight[host])
	rt := w.routes[key]
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inflight[host]--
		w.mu.Unlock()
	}()
	if rt == nil {
		http.NotFound(rw, r)
		return
	}
	rt(rw, r, hit)
}

// requests returns the requests made so far, by host.
func (w *testWeb) requests() map[string][]request {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string][]request{}
	for _, r := range w.log {
		out[r.host] = append(out[r.host], r)
	}
	return out
}

// transport connects every host name to the server, except the
// unreachable ones, whose connections are refused. It records when each
// request is handed to it, which is when the crawler sends it: the
// server's arrival times add the jitter of a loaded machine.
func (w *testWeb) transport(unreachable ...string) http.RoundTripper {
	return &recorder{web: w, base: webTransport(w.srv.Listener.Addr().String(), unreachable...)}
}

type recorder struct {
	web  *testWeb
	base http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.web.mu.Lock()
	r.web.sent = append(r.web.sent, request{host: req.URL.Hostname(), uri: req.URL.RequestURI(), ua: req.UserAgent(), start: time.Now()})
	r.web.mu.Unlock()
	return r.base.RoundTrip(req)
}

// sentRequests returns the requests sent so far, by host, as the crawler's
// transport handed them on.
func (w *testWeb) sentRequests() map[string][]request {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string][]request{}
	for _, r := range w.sent {
		out[r.host] = append(out[r.host], r)
	}
	return out
}

func webTransport(addr string, unreachable ...string) *http.Transport {
	d := &net.Dialer{Timeout: time.Second}
	return &http.Transport{
		DialContext: func(ctx context.Context, network, hostport string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(hostport)
			for _, u := range unreachable {
				if host == u {
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
				}
			}
			return d.DialContext(ctx, network, addr)
		},
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4,
	}
}

func page(links ...string) route {
	return pageWith("", links...)
}

// pageWith is an HTML page with head inserted into its head.
func pageWith(head string, links ...string) route {
	return func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>%s</title>%s</head><body><p>Content of %s.</p>", r.URL.Path, head, r.Host+r.URL.Path)
		for _, l := range links {
			fmt.Fprintf(w, `<a href="%s">%s</a> `, l, l)
		}
		fmt.Fprint(w, "</body></html>")
	}
}

// withHeader adds header fields (name, value pairs) to a route's response.
func withHeader(rt route, kv ...string) route {
	return func(w http.ResponseWriter, r *http.Request, hit int) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Add(kv[i], kv[i+1])
		}
		rt(w, r, hit)
	}
}

func text(status int, contentType, body string) route {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func robotsTxt(body string) route { return text(200, "text/plain", body) }

func status(code int) route { return text(code, "text/html", "<html><body>status</body></html>") }

func redirect(code int, loc string) route {
	return func(w http.ResponseWriter, r *http.Request, _ int) { http.Redirect(w, r, loc, code) }
}

func slow(d time.Duration, rt route) route {
	return func(w http.ResponseWriter, r *http.Request, hit int) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		rt(w, r, hit)
	}
}

// sequence answers the nth request with the nth route, and later ones
// with the last.
func sequence(rts ...route) route {
	return func(w http.ResponseWriter, r *http.Request, hit int) {
		rts[min(hit, len(rts))-1](w, r, hit)
	}
}

// ledger reads a crawl directory's ledger.
func readLedger(t testing.TB, dir string) []crawl.Entry {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, crawl.LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []crawl.Entry
	r := crawl.NewLedgerReader(f)
	for r.Next() {
		out = append(out, *r.Entry())
	}
	if err := r.Err(); err != nil {
		t.Fatalf("ledger: %v", err)
	}
	return out
}

// warcFiles returns the WARC files of a crawl directory's subdirectory.
func warcFiles(t testing.TB, dir, sub string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, sub, "*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

// warcRecords reads WARC files with package warc and returns the records'
// headers. It fails the test on any error.
func warcRecords(t testing.TB, files []string) []warc.Record {
	t.Helper()
	var out []warc.Record
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		r := warc.NewReader(f)
		for r.Next() {
			rec := *r.Record()
			rec.Header = append([]warc.Field(nil), rec.Header...)
			out = append(out, rec)
		}
		f.Close()
		if err := r.Err(); err != nil {
			t.Fatalf("warc.Reader: %s: %v", name, err)
		}
	}
	return out
}

// validateWARC reads WARC files with github.com/nlnwa/gowarc, failing on
// any syntax error or spec violation, and checks every block and payload
// digest. It returns the number of records by type.
func validateWARC(t testing.TB, files []string) map[string]int {
	t.Helper()
	types := map[string]int{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(f)
		u := gowarc.NewUnmarshaler(gowarc.WithStrictValidation())
		for {
			rec, _, v, err := u.Unmarshal(br)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("gowarc: %s: %v", name, err)
			}
			if v != nil && len(*v) > 0 {
				t.Errorf("gowarc: %s: %s: %v", name, rec.RecordId(), v)
			}
			var dv gowarc.Validation
			if vd, ok := rec.(interface {
				ValidateDigest(*gowarc.Validation) error
			}); ok {
				if err := vd.ValidateDigest(&dv); err != nil || len(dv) > 0 {
					t.Errorf("gowarc: %s: %s %s: digest: %v %v", name, rec.Type(), rec.WarcHeader().Get(gowarc.WarcTargetURI), err, dv)
				}
			}
			types[rec.Type().String()]++
			rec.Close()
		}
		f.Close()
	}
	return types
}
