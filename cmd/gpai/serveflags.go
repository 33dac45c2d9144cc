package main

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gpai-project/gpai/web"
)

// serveOptions are gpai serve's operational settings: metrics, trusted
// proxies, rate limits and sizes.
type serveOptions struct {
	metricsAddr string
	proxies     prefixList
	submitBurst int
	submitEvery time.Duration
	maxBody     sizeFlag
	sessionTTL  time.Duration
}

// serveEnv names the environment variable of each of those flags.
var serveEnv = []struct{ flag, env string }{
	{"metrics-addr", "GPAI_METRICS_ADDR"},
	{"trusted-proxy", "GPAI_TRUSTED_PROXIES"},
	{"submit-burst", "GPAI_SUBMIT_BURST"},
	{"submit-every", "GPAI_SUBMIT_EVERY"},
	{"max-body", "GPAI_MAX_BODY"},
	{"session-ttl", "GPAI_SESSION_TTL"},
}

// Bounds of the settings: values outside them are mistakes.
const (
	minMaxBody    = 1 << 10
	maxMaxBody    = 64 << 20
	minSessionTTL = time.Minute
	maxSessionTTL = 30 * 24 * time.Hour
)

func (o *serveOptions) addFlags(fs *pflag.FlagSet) {
	def := web.DefaultConfig()
	o.maxBody = sizeFlag(def.MaxBodyBytes)
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this separate address, without authentication, e.g. 127.0.0.1:9090 (also GPAI_METRICS_ADDR); if empty, /metrics on --addr needs an API token with scope "+web.ScopeMetricsRead)
	fs.Var(&o.proxies, "trusted-proxy", "CIDR (or address) of a reverse proxy whose X-Forwarded-For gives the client's address, e.g. 10.0.0.0/8; repeatable (also GPAI_TRUSTED_PROXIES, comma-separated)")
	fs.IntVar(&o.submitBurst, "submit-burst", def.SubmitBurst, "public submissions an address may send at once (also GPAI_SUBMIT_BURST)")
	fs.DurationVar(&o.submitEvery, "submit-every", def.SubmitEvery, "one more submission is allowed per address after each such interval (also GPAI_SUBMIT_EVERY)")
	fs.Var(&o.maxBody, "max-body", "largest form or API request body, e.g. 64KiB or 1MiB (also GPAI_MAX_BODY)")
	fs.DurationVar(&o.sessionTTL, "session-ttl", def.SessionTTL, "how long a staff sign-in lasts (also GPAI_SESSION_TTL)")
}

// resolve fills the flags not given on the command line from their
// environment variables, then checks every value.
func (o *serveOptions) resolve(c *cobra.Command, getenv func(string) string) error {
	fs := c.Flags()
	for _, e := range serveEnv {
		if fs.Changed(e.flag) || getenv == nil {
			continue
		}
		v := getenv(e.env)
		if v == "" {
			continue
		}
		if err := fs.Set(e.flag, v); err != nil {
			return &usageError{err: fmt.Errorf("%s=%q: %v", e.env, v, err), hint: "unset " + e.env + " or give --" + e.flag}
		}
	}
	bad := func(flag, format string, args ...any) error {
		return &usageError{err: fmt.Errorf("--"+flag+" "+format, args...), hint: "gpai serve --help"}
	}
	if o.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(o.metricsAddr); err != nil {
			return bad("metrics-addr", "%q: give host:port, e.g. 127.0.0.1:9090", o.metricsAddr)
		}
	}
	if o.submitBurst < 1 {
		return bad("submit-burst", "%d: allow at least 1 submission", o.submitBurst)
	}
	if o.submitEvery <= 0 {
		return bad("submit-every", "%v: give a positive interval such as 30s", o.submitEvery)
	}
	if o.maxBody < minMaxBody || o.maxBody > maxMaxBody {
		return bad("max-body", "%v: give between 1KiB and 64MiB (forms and API bodies are read into memory)", o.maxBody)
	}
	if o.sessionTTL < minSessionTTL || o.sessionTTL > maxSessionTTL {
		return bad("session-ttl", "%v: give between 1m and 720h (30 days)", o.sessionTTL)
	}
	return nil
}

// configure copies the settings into cfg.
func (o *serveOptions) configure(cfg *web.Config) {
	cfg.MetricsAddr = o.metricsAddr
	cfg.TrustedProxies = o.proxies
	cfg.SubmitBurst, cfg.SubmitEvery = o.submitBurst, o.submitEvery
	cfg.MaxBodyBytes = int64(o.maxBody)
	cfg.SessionTTL = o.sessionTTL
}

// prefixList is a repeatable flag of IP prefixes; each value may list
// several, separated by commas. A bare address is a prefix of one host.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	s := make([]string, len(*l))
	for i, p := range *l {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

func (l *prefixList) Type() string { return "CIDR" }

func (l *prefixList) Set(v string) error {
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				return fmt.Errorf("%q is neither a CIDR prefix such as 10.0.0.0/8 nor an IP address", f)
			}
			p = netip.PrefixFrom(a.WithZone(""), a.BitLen())
		}
		if p.Bits() == 0 {
			return fmt.Errorf("%q would trust every address, so that any client could choose the address it is seen with", f)
		}
		*l = append(*l, p.Masked())
	}
	return nil
}

// sizeFlag is a flag of a size in bytes that accepts IEC and SI units: 65536,
// 64KiB, 1MiB, 100kB.
type sizeFlag int64

var sizeUnits = []struct {
	suffix string
	n      int64
}{
	// Longest first, so that "KiB" is not read as "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1000}, {"mb", 1000 * 1000}, {"gb", 1000 * 1000 * 1000},
	{"b", 1},
}

func (b sizeFlag) String() string {
	n := int64(b)
	for _, u := range []struct {
		s string
		n int64
	}{{"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6}, {"KiB", 1 << 10}, {"kB", 1e3}} {
		// the largest unit that divides n: 10GB, not 9765625KiB
		if n != 0 && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.s
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *sizeFlag) Type() string { return "bytes" }

func (b *sizeFlag) Set(v string) error {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(num), u.n
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size: give bytes, e.g. 65536, 64KiB or 1MiB", v)
	}
	*b = sizeFlag(n * mult)
	return nil
}
