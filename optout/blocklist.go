package optout

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/gpai-project/gpai"
)

// MaxBlocklistLine is the longest line a blocklist may have, 4 KiB.
const MaxBlocklistLine = 4 << 10

// A BlockEntry is one domain of a piracy list.
type BlockEntry struct {
	// Domain is the entry, lower case, in ASCII (punycode) form.
	Domain string
	// File and Line locate the entry.
	File string
	Line int
}

// ParseBlocklist reads a piracy list: one domain per line, such as
// "example.com", with "#" starting a comment that runs to the end of the
// line and blank lines ignored. An entry blocks that domain and every
// subdomain of it; a registered domain (eTLD+1 under the Public Suffix List)
// is the usual entry. Lenient forms are accepted and reduced to the host: a
// URL ("https://example.com/path"), a leading "*." or ".", a trailing dot,
// upper case, and Unicode names (converted to punycode).
//
// A line that holds no usable domain (white space inside, an IP address, a
// public suffix such as "co.uk" or "blogspot.com", which would block
// unrelated sites) is an error. ParseBlocklist returns the entries of the
// usable lines and, if any line was not usable, a gpai.Problems error
// locating every bad line; name is the file name used in the positions.
func ParseBlocklist(r io.Reader, name string) ([]BlockEntry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxBlocklistLine)
	var out []BlockEntry
	var probs gpai.Problems
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if line == 1 {
			s = strings.TrimPrefix(s, "\uFEFF")
		}
		if s == "" {
			continue
		}
		d, err := normalizeDomain(s)
		if err != nil {
			probs = append(probs, gpai.Problem{Pos: gpai.Position{File: name, Line: line}, Message: err.Error(), Fix: "write one registered domain per line, such as example.com"})
			continue
		}
		out = append(out, BlockEntry{Domain: d, File: name, Line: line})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line longer than %d bytes", MaxBlocklistLine)
		}
		probs = append(probs, gpai.Problem{Pos: gpai.Position{File: name, Line: line + 1}, Message: "cannot read: " + err.Error()})
	}
	if len(probs) > 0 {
		return out, probs
	}
	return out, nil
}

func normalizeDomain(s string) (string, error) {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Hostname() == "" {
			return "", fmt.Errorf("%q is not a domain or URL", s)
		}
		s = u.Hostname()
	}
	s = strings.TrimPrefix(s, "*.")
	s = strings.Trim(s, ".")
	if s == "" || strings.ContainsAny(s, " \t/:@?#[]\\") {
		return "", fmt.Errorf("%q is not a domain", s)
	}
	if net.ParseIP(s) != nil {
		return "", fmt.Errorf("%q is an IP address, not a domain", s)
	}
	a, err := idna.Lookup.ToASCII(s)
	if err != nil {
		// Underscores and other characters IDNA rejects still occur in
		// host names; keep the name in lower case if it is ASCII.
		if !isASCII(s) {
			return "", fmt.Errorf("%q is not a valid domain name: %v", s, err)
		}
		a = strings.ToLower(s)
	}
	if !validHost(a) {
		return "", fmt.Errorf("%q is not a valid domain name", s)
	}
	if !strings.Contains(a, ".") {
		return "", fmt.Errorf("%q is a top-level domain, not a registered domain", s)
	}
	if ps, _ := publicsuffix.PublicSuffix(a); ps == a {
		return "", fmt.Errorf("%q is a public suffix: listing it would block every site under it", s)
	}
	return a, nil
}

// validHost reports whether s is a lower-case ASCII host name: labels of 1
// to 63 letters, digits, '-' and '_', at most 253 bytes.
func validHost(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// A BlockSource is a named blocklist that can be read again, such as a file.
type BlockSource struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// A Blocklist matches hosts against piracy lists. It is safe for concurrent
// use, and Reload replaces its entries atomically while lookups go on.
type Blocklist struct {
	mu      sync.RWMutex
	sources []BlockSource
	entries map[string]BlockEntry
}

// NewBlocklist returns a Blocklist holding the entries given; the first
// entry for a domain is kept.
func NewBlocklist(entries ...BlockEntry) *Blocklist {
	b := &Blocklist{}
	b.entries = index(entries)
	return b
}

func index(entries []BlockEntry) map[string]BlockEntry {
	m := make(map[string]BlockEntry, len(entries))
	for _, e := range entries {
		if _, dup := m[e.Domain]; !dup {
			m[e.Domain] = e
		}
	}
	return m
}

// LoadBlocklist reads every source and returns a Blocklist that Reload can
// read again. A bad line in any source fails the load, with a gpai.Problems
// error locating every bad line of every source.
func LoadBlocklist(sources ...BlockSource) (*Blocklist, error) {
	b := &Blocklist{sources: sources}
	if err := b.Reload(); err != nil {
		return nil, err
	}
	return b, nil
}

// Reload reads the sources again and replaces the entries. On any error the
// entries in use are kept.
func (b *Blocklist) Reload() error {
	var all []BlockEntry
	var probs gpai.Problems
	for _, s := range b.sources {
		rc, err := s.Open()
		if err != nil {
			return gpai.Errorf(gpai.EINVALID, "piracy list %s: %v", s.Name, err)
		}
		entries, err := ParseBlocklist(rc, s.Name)
		rc.Close()
		var ps gpai.Problems
		switch {
		case errors.As(err, &ps):
			probs = append(probs, ps...)
		case err != nil:
			return gpai.Errorf(gpai.EINVALID, "piracy list %s: %v", s.Name, err)
		}
		all = append(all, entries...)
	}
	if len(probs) > 0 {
		return probs
	}
	m := index(all)
	b.mu.Lock()
	b.entries = m
	b.mu.Unlock()
	return nil
}

// Len returns the number of distinct domains listed.
func (b *Blocklist) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.entries)
}

// RegisteredDomain returns host's registered domain (eTLD+1 under the whole
// Public Suffix List, private section included), or host itself for an IP
// address, a single label or a public suffix.
func RegisteredDomain(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if net.ParseIP(host) != nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// Match reports whether host is listed: whether the host itself or one of
// its parent domains, down to its registered domain, is an entry. So an
// entry example.com blocks example.com and www.example.com, and an entry
// for a subdomain blocks only that subdomain's tree. IP addresses match only
// themselves and are never listed.
func (b *Blocklist) Match(host string) (BlockEntry, bool) {
	if b == nil {
		return BlockEntry{}, false
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	if len(b.entries) == 0 || net.ParseIP(host) != nil {
		return BlockEntry{}, false
	}
	reg := RegisteredDomain(host)
	for h := host; ; {
		if e, ok := b.entries[h]; ok {
			return e, true
		}
		if h == reg {
			return BlockEntry{}, false
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			return BlockEntry{}, false
		}
		h = h[i+1:]
	}
}
