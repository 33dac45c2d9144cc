package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai/web"
)

func TestServeOptions(t *testing.T) {
	def := web.DefaultConfig()
	type settings struct {
		MetricsAddr    string
		TrustedProxies []netip.Prefix
		SubmitBurst    int
		SubmitEvery    time.Duration
		MaxBodyBytes   int64
		SessionTTL     time.Duration
	}
	defaults := settings{SubmitBurst: def.SubmitBurst, SubmitEvery: def.SubmitEvery, MaxBodyBytes: def.MaxBodyBytes, SessionTTL: def.SessionTTL}
	with := func(f func(*settings)) settings { s := defaults; f(&s); return s }
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    settings
		wantErr string
	}{
		{name: "defaults", want: defaults},
		{name: "flags",
			args: []string{"--metrics-addr", "127.0.0.1:9090", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "192.0.2.7,2001:db8::/32",
				"--submit-burst", "3", "--submit-every", "1m", "--max-body", "256KiB", "--session-ttl", "2h"},
			want: settings{MetricsAddr: "127.0.0.1:9090",
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("2001:db8::/32")},
				SubmitBurst:    3, SubmitEvery: time.Minute, MaxBodyBytes: 256 << 10, SessionTTL: 2 * time.Hour}},
		{name: "environment",
			env: map[string]string{"GPAI_METRICS_ADDR": ":9090", "GPAI_TRUSTED_PROXIES": "10.0.0.0/8, 172.16.0.0/12", "GPAI_SUBMIT_BURST": "5",
				"GPAI_SUBMIT_EVERY": "10s", "GPAI_MAX_BODY": "1MiB", "GPAI_SESSION_TTL": "30m"},
			want: settings{MetricsAddr: ":9090",
				TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12")},
				SubmitBurst:    5, SubmitEvery: 10 * time.Second, MaxBodyBytes: 1 << 20, SessionTTL: 30 * time.Minute}},
		{name: "flags win over the environment", args: []string{"--submit-burst", "7", "--trusted-proxy", "10.1.0.0/16"},
			env: map[string]string{"GPAI_SUBMIT_BURST": "5", "GPAI_TRUSTED_PROXIES": "10.0.0.0/8"},
			want: with(func(s *settings) {
				s.SubmitBurst = 7
				s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}
			})},
		{name: "prefix masked", args: []string{"--trusted-proxy", "10.1.2.3/8"}, want: with(func(s *settings) { s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })},
		{name: "plain bytes", args: []string{"--max-body", "65536"}, want: defaults},
		{name: "SI kilobytes", args: []string{"--max-body", "100kB"}, want: with(func(s *settings) { s.MaxBodyBytes = 100000 })},
		{name: "unit after a space", env: map[string]string{"GPAI_MAX_BODY": "2 MiB"}, want: with(func(s *settings) { s.MaxBodyBytes = 2 << 20 })},

		{name: "no burst", args: []string{"--submit-burst", "0"}, wantErr: "--submit-burst 0"},
		{name: "negative burst", env: map[string]string{"GPAI_SUBMIT_BURST": "-3"}, wantErr: "--submit-burst -3"},
		{name: "burst not a number", env: map[string]string{"GPAI_SUBMIT_BURST": "many"}, wantErr: `GPAI_SUBMIT_BURST="many"`},
		{name: "zero interval", args: []string{"--submit-every", "0s"}, wantErr: "--submit-every 0s"},
		{name: "negative interval", args: []string{"--submit-every=-1m"}, wantErr: "--submit-every -1m0s"},
		{name: "interval without unit", env: map[string]string{"GPAI_SUBMIT_EVERY": "30"}, wantErr: `GPAI_SUBMIT_EVERY="30"`},
		{name: "tiny body", args: []string{"--max-body", "10"}, wantErr: "--max-body 10: give between 1KiB and 64MiB"},
		{name: "huge body", args: []string{"--max-body", "1GiB"}, wantErr: "--max-body 1GiB"},
		{name: "body not a size", args: []string{"--max-body", "lots"}, wantErr: `"lots" is not a size`},
		{name: "negative body", env: map[string]string{"GPAI_MAX_BODY": "-1KiB"}, wantErr: `is not a size`},
		{name: "short session", args: []string{"--session-ttl", "10s"}, wantErr: "--session-ttl 10s"},
		{name: "endless session", env: map[string]string{"GPAI_SESSION_TTL": "9000h"}, wantErr: "--session-ttl 9000h0m0s"},
		{name: "trust everyone", args: []string{"--trusted-proxy", "0.0.0.0/0"}, wantErr: "would trust every address"},
		{name: "trust everyone by environment", env: map[string]string{"GPAI_TRUSTED_PROXIES": "10.0.0.0/8,::/0"}, wantErr: "GPAI_TRUSTED_PROXIES"},
		{name: "bad prefix", args: []string{"--trusted-proxy", "10.0.0.0/33"}, wantErr: "neither a CIDR prefix"},
		{name: "host name as proxy", args: []string{"--trusted-proxy", "proxy.internal"}, wantErr: "neither a CIDR prefix"},
		{name: "metrics address without port", args: []string{"--metrics-addr", "localhost"}, wantErr: "--metrics-addr \"localhost\": give host:port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o serveOptions
			var got settings
			c := &cobra.Command{Use: "serve", Args: cobra.NoArgs, RunE: func(c *cobra.Command, args []string) error {
				if err := o.resolve(c, func(k string) string { return tt.env[k] }); err != nil {
					return err
				}
				var cfg web.Config
				o.configure(&cfg)
				got = settings{cfg.MetricsAddr, cfg.TrustedProxies, cfg.SubmitBurst, cfg.SubmitEvery, cfg.MaxBodyBytes, cfg.SessionTTL}
				return nil
			}}
			o.addFlags(c.Flags())
			m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
			err := execCommand(context.Background(), m, c, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("serve %q (env %v): error %v, want one with %q", tt.args, tt.env, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("serve %q (env %v): %v", tt.args, tt.env, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("serve %q (env %v): settings differ (-want +got):\n%s", tt.args, tt.env, diff)
			}
		})
	}
}

func TestServeUsageErrorsBeforeDatabase(t *testing.T) {
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(k string) string {
		return map[string]string{"GPAI_SUBMIT_EVERY": "-5s"}[k]
	}}
	err := execCommand(context.Background(), m, m.serveCommand(), "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "gpai.db"))
	if _, ok := err.(*usageError); !ok || !strings.Contains(err.Error(), "--submit-every") {
		t.Errorf("serve with GPAI_SUBMIT_EVERY=-5s: %v", err)
	}
}

// TestServeOperations runs gpai serve behind a "proxy" (the test, on
// loopback) with a metrics listener, a burst of one and a small body
// limit, and checks each through HTTP.
func TestServeOperations(t *testing.T) {
	db := filepath.Join(t.TempDir(), "gpai.db")
	var out, logs syncBuffer
	env := map[string]string{"GPAI_DB": db, "GPAI_MAX_BODY": "1KiB"}
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &logs, Getenv: func(k string) string { return env[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- execCommand(ctx, m, m.serveCommand(), "--addr", "127.0.0.1:0", "--insecure-cookies",
			"--metrics-addr", "127.0.0.1:0", "--trusted-proxy", "127.0.0.0/8", "--submit-burst", "1", "--submit-every", "1h")
	}()
	var base, metrics string
	serving := regexp.MustCompile(`serving on (http://\S+)`)
	re := regexp.MustCompile(`"msg":"serving metrics","addr":"([^"]+)"`)
	for deadline := time.Now().Add(10 * time.Second); (base == "" || metrics == "") && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if mm := serving.FindStringSubmatch(out.String()); mm != nil {
			base = mm[1]
		}
		if mm := re.FindStringSubmatch(logs.String()); mm != nil {
			metrics = "http://" + mm[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s", err, logs.String())
		default:
		}
	}
	if base == "" || metrics == "" {
		t.Fatalf("server did not start: %q %q\n%s", base, metrics, logs.String())
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(xff string, form url.Values) int {
		req, _ := http.NewRequest("POST", base+"/contact/complaint", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		r, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		return r.StatusCode
	}
	if st := post("203.0.113.1", complaintForm(1)); st != 303 {
		t.Errorf("first client: %d", st)
	}
	if st := post("203.0.113.1", complaintForm(2)); st != 429 {
		t.Errorf("first client again: %d, want 429 (--submit-burst 1)", st)
	}
	if st := post("203.0.113.2", complaintForm(3)); st != 303 {
		t.Errorf("second client behind the trusted proxy: %d", st)
	}
	long := complaintForm(4)
	long.Set("text", strings.Repeat("x", 2000))
	if st := post("203.0.113.3", long); st != 413 {
		t.Errorf("body over GPAI_MAX_BODY=1KiB: %d, want 413", st)
	}

	r, err := http.Get(metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	for _, want := range []string{`gpai_submissions_total{kind="complaint",outcome="accepted"} 2`, `gpai_submissions_total{kind="complaint",outcome="rate-limited"} 1`,
		`gpai_cases_open{kind="complaint"} 2`} {
		if !strings.Contains(string(b), want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if r, err := http.Get(base + "/metrics"); err != nil || r.StatusCode != 404 {
		t.Errorf("main listener /metrics with --metrics-addr: %v %v", r.StatusCode, err)
	} else {
		r.Body.Close()
	}

	// The request log names the forwarded client.
	var sawClient bool
	for _, line := range strings.Split(logs.String(), "\n") {
		var e struct{ Msg, Client string }
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "request" && e.Client == "203.0.113.2" {
			sawClient = true
		}
	}
	if !sawClient {
		t.Errorf("request log lacks client 203.0.113.2:\n%s", logs.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not shut down")
	}
}
