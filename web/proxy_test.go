package web_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

var testProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8::/32")}

func TestClientAddr(t *testing.T) {
	tests := []struct {
		name    string
		peer    string
		xff     []string // one value per header line
		trusted []netip.Prefix
		want    string // "" for the zero Addr
	}{
		{name: "no proxy", peer: "192.0.2.1:1234", want: "192.0.2.1"},
		{name: "no trusted proxies: header ignored", peer: "192.0.2.1:1234", xff: []string{"203.0.113.9"}, want: "192.0.2.1"},
		{name: "spoofed header from an untrusted peer", peer: "192.0.2.1:1234", xff: []string{"203.0.113.9, 10.0.0.2"}, trusted: testProxies, want: "192.0.2.1"},
		{name: "untrusted peer spoofing a trusted proxy's address", peer: "11.0.0.1:1234", xff: []string{"10.0.0.5"}, trusted: testProxies, want: "11.0.0.1"},
		{name: "trusted proxy", peer: "10.0.0.1:1234", xff: []string{"203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "trusted proxy without header", peer: "10.0.0.1:1234", trusted: testProxies, want: "10.0.0.1"},
		{name: "trusted proxy with empty header", peer: "10.0.0.1:1234", xff: []string{" , "}, trusted: testProxies, want: "10.0.0.1"},
		{name: "client's own entries on the left ignored", peer: "10.0.0.1:1234", xff: []string{"1.1.1.1, 8.8.8.8, 203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "trusted hops skipped", peer: "10.0.0.1:1234", xff: []string{"1.1.1.1, 203.0.113.9, 10.9.9.9, 10.0.0.2"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "several header lines read as one list", peer: "10.0.0.1:1234", xff: []string{"1.1.1.1", "203.0.113.9, 10.0.0.2"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "client on the last header line", peer: "10.0.0.1:1234", xff: []string{"1.1.1.1, 10.0.0.3", "203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "every hop trusted: leftmost", peer: "10.0.0.1:1234", xff: []string{"10.0.0.3, 10.0.0.2"}, trusted: testProxies, want: "10.0.0.3"},
		{name: "garbage stops at the last trusted hop", peer: "10.0.0.1:1234", xff: []string{"203.0.113.9, bogus, 10.0.0.2"}, trusted: testProxies, want: "10.0.0.2"},
		{name: "garbage next to the peer", peer: "10.0.0.1:1234", xff: []string{"203.0.113.9, unknown"}, trusted: testProxies, want: "10.0.0.1"},
		{name: "garbage left of the client ignored", peer: "10.0.0.1:1234", xff: []string{"<script>, 203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "entry with a port", peer: "10.0.0.1:1234", xff: []string{"203.0.113.9:4711"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "IPv6 entry with a port", peer: "10.0.0.1:1234", xff: []string{"[2a00:1450::1]:443"}, trusted: testProxies, want: "2a00:1450::1"},
		{name: "IPv6 entry in brackets", peer: "10.0.0.1:1234", xff: []string{"[2a00:1450::1]"}, trusted: testProxies, want: "2a00:1450::1"},
		{name: "IPv6 peer and hops", peer: "[2001:db8::1]:443", xff: []string{"2a00:1450::1, 2001:db8::2"}, trusted: testProxies, want: "2a00:1450::1"},
		{name: "IPv4-mapped peer", peer: "[::ffff:10.0.0.1]:80", xff: []string{"203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "IPv4-mapped entry", peer: "10.0.0.1:80", xff: []string{"::ffff:203.0.113.9"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "mapped trusted hop skipped", peer: "10.0.0.1:80", xff: []string{"203.0.113.9, ::ffff:10.0.0.2"}, trusted: testProxies, want: "203.0.113.9"},
		{name: "IPv6 zone dropped", peer: "10.0.0.1:80", xff: []string{"fe80::1%eth0"}, trusted: testProxies, want: "fe80::1"},
		{name: "trusted single host", peer: "192.0.2.7:80", xff: []string{"203.0.113.9"}, trusted: []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")}, want: "203.0.113.9"},
		{name: "no address in RemoteAddr", peer: "@", xff: []string{"203.0.113.9"}, trusted: testProxies, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			got := web.ClientAddr(r, tt.trusted)
			var want netip.Addr
			if tt.want != "" {
				want = netip.MustParseAddr(tt.want)
			}
			if got != want {
				t.Errorf("ClientAddr(%s, X-Forwarded-For %q) = %v, want %v", tt.peer, tt.xff, got, want)
			}
		})
	}
}

// refClientAddr is a plain statement of the algorithm, for FuzzClientAddr:
// split the joined header into entries, walk them from the right.
func refClientAddr(peer netip.Addr, xff string, trusted []netip.Prefix) netip.Addr {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !peer.IsValid() || !isTrusted(peer) {
		return peer
	}
	entries := strings.Split(xff, ",")
	client := peer
	for i := len(entries) - 1; i >= 0; i-- {
		e := strings.TrimSpace(entries[i])
		if e == "" {
			continue
		}
		a, err := netip.ParseAddr(e)
		if err != nil {
			ap, err2 := netip.ParseAddrPort(e)
			if err2 == nil {
				a, err = ap.Addr(), nil
			} else if len(e) > 2 && e[0] == '[' && e[len(e)-1] == ']' {
				if b, err3 := netip.ParseAddr(e[1 : len(e)-1]); err3 == nil && b.Is6() {
					a, err = b, nil
				}
			}
		}
		if err != nil {
			return client
		}
		client = a.WithZone("").Unmap()
		if !isTrusted(client) {
			return client
		}
	}
	return client
}

// FuzzClientAddr checks the X-Forwarded-For parser against refClientAddr,
// and that nothing a client prepends to the header changes the address
// found for it.
func FuzzClientAddr(f *testing.F) {
	for _, s := range []struct{ peer, xff string }{
		{"10.0.0.1", "203.0.113.9"},
		{"10.0.0.1", "1.1.1.1, 203.0.113.9, 10.0.0.2"},
		{"10.0.0.1", "203.0.113.9:80, [2001:db8::5]:443, ::ffff:10.1.1.1"},
		{"2001:db8::1", "fe80::1%eth0,,bogus, 2a00::1"},
		{"192.0.2.1", "10.0.0.2"},
		{"10.0.0.1", "[::1], [1.2.3.4], ,"},
	} {
		f.Add(s.peer, s.xff, "evil, 6.6.6.6")
	}
	f.Fuzz(func(t *testing.T, peer, xff, spoof string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		if a, err := netip.ParseAddr(peer); err == nil {
			r.RemoteAddr = netip.AddrPortFrom(a, 4711).String()
		}
		r.Header["X-Forwarded-For"] = []string{xff}
		got := web.ClientAddr(r, testProxies)
		if want := refClientAddr(web.ClientAddr(r, nil), xff, testProxies); got != want {
			t.Fatalf("ClientAddr(%q, %q) = %v, want %v", r.RemoteAddr, xff, got, want)
		}
		if got.Zone() != "" || got.Is4In6() {
			t.Fatalf("ClientAddr(%q, %q) = %v, not normalised", r.RemoteAddr, xff, got)
		}
		// A client controls only what is left of the first untrusted
		// entry: whatever it prepends must not change the result.
		trusted := false
		for _, p := range testProxies {
			trusted = trusted || p.Contains(got)
		}
		if got.IsValid() && !trusted {
			r.Header["X-Forwarded-For"] = []string{spoof + "," + xff}
			if again := web.ClientAddr(r, testProxies); again != got {
				t.Fatalf("prepending %q changed ClientAddr(%q, %q) from %v to %v", spoof, r.RemoteAddr, xff, got, again)
			}
		}
	})
}

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// postFrom files a complaint as if forwarded for xff ("" for none).
func (e *env) postFrom(xff, path string, form url.Values) resp {
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	return do(e.t, e.client(), req)
}

func TestTrustedProxyRateLimit(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, func(s *web.Server) {
		s.Config.SubmitBurst, s.Config.SubmitEvery = 1, time.Hour
		// The test server's peer is 127.0.0.1: the proxy.
		s.Config.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		s.Logger = slog.New(slog.NewTextHandler(&log, nil))
	})
	if r := e.postFrom("203.0.113.1", "/contact/complaint", complaint("one")); r.status != 200 {
		t.Fatalf("first client: %d", r.status)
	}
	if r := e.postFrom("198.51.100.7, 203.0.113.1", "/contact/complaint", complaint("again")); r.status != 429 {
		t.Errorf("same client with a spoofed entry on the left: %d, want 429", r.status)
	}
	if r := e.postFrom("203.0.113.2", "/contact/complaint", complaint("two")); r.status != 200 {
		t.Errorf("second client: %d", r.status)
	}
	if !strings.Contains(log.String(), "client=203.0.113.1") || !strings.Contains(log.String(), "client=203.0.113.2") {
		t.Errorf("request log lacks the forwarded client addresses:\n%s", log.String())
	}

	// A failed sign-in is audited with the forwarded address.
	e.user("officer@example.org", gpai.RoleOfficer)
	req, _ := http.NewRequest("POST", e.ts.URL+"/staff/login", strings.NewReader(url.Values{"email": {"officer@example.org"}, "password": {"wrong password"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "203.0.113.50")
	do(t, e.client(), req)
	action := "session.login_failed"
	evs, _, err := e.st.Audit.FindAuditEvents(context.Background(), gpai.AuditFilter{Action: &action})
	if err != nil || len(evs) != 1 || evs[0].Detail != "ip 203.0.113.50" {
		t.Errorf("audited failed sign-in: %v %+v", err, evs)
	}
}

func TestUntrustedForwardedForIgnored(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, func(s *web.Server) {
		s.Config.SubmitBurst, s.Config.SubmitEvery = 1, time.Hour
		s.Logger = slog.New(slog.NewTextHandler(&log, nil))
	})
	if r := e.postFrom("203.0.113.1", "/contact/complaint", complaint("one")); r.status != 200 {
		t.Fatalf("first: %d", r.status)
	}
	if r := e.postFrom("203.0.113.2", "/contact/complaint", complaint("two")); r.status != 429 {
		t.Errorf("a new X-Forwarded-For from the same untrusted peer escaped the limit: %d", r.status)
	}
	if strings.Contains(log.String(), "203.0.113.") || !strings.Contains(log.String(), "client=127.0.0.1") {
		t.Errorf("request log should name the peer only:\n%s", log.String())
	}
}
