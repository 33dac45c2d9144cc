package optout

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// SourceRegistry is the evidence source of a rights reservation that the
// provider accepted through its own contact point (gpai serve's
// /api/reservations), which its crawlers obey from then on.
const SourceRegistry = "registry"

// MaxRegistrySize bounds a registry document, in bytes.
const MaxRegistrySize = 32 << 20

// A Reservation is one accepted rights reservation: a domain (with its
// subdomains), a URL prefix, or a work (which no URL matches by itself).
type Reservation struct {
	Kind       string    `json:"kind"` // domain, url or work
	Value      string    `json:"value"`
	AcceptedAt time.Time `json:"acceptedAt"`
}

// A Registry holds the reservations a provider accepted. It is safe for
// concurrent use once built.
type Registry struct {
	Source  string
	domains map[string]Reservation
	urls    []Reservation
	works   int
}

// ParseRegistry reads the JSON document gpai serve publishes at
// /api/reservations: {"reservations": [{"kind", "value", "acceptedAt"}]}.
// source names it in evidence and errors.
func ParseRegistry(r io.Reader, source string) (*Registry, error) {
	var doc struct {
		Reservations []Reservation `json:"reservations"`
	}
	dec := json.NewDecoder(io.LimitReader(r, MaxRegistrySize+1))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("optout: registry %s: %w", source, err)
	}
	reg := &Registry{Source: source, domains: map[string]Reservation{}}
	for i, v := range doc.Reservations {
		switch v.Kind {
		case "domain":
			d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v.Value)), ".")
			if d == "" || strings.ContainsAny(d, "/ ") {
				return nil, fmt.Errorf("optout: registry %s: reservation %d: %q is not a domain", source, i, v.Value)
			}
			if _, ok := reg.domains[d]; !ok {
				reg.domains[d] = v
			}
		case "url":
			u, err := url.Parse(strings.TrimSpace(v.Value))
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return nil, fmt.Errorf("optout: registry %s: reservation %d: %q is not an http(s) URL", source, i, v.Value)
			}
			v.Value = canonical(u)
			reg.urls = append(reg.urls, v)
		case "work":
			reg.works++
		default:
			return nil, fmt.Errorf("optout: registry %s: reservation %d: unknown kind %q (want domain, url or work)", source, i, v.Kind)
		}
	}
	return reg, nil
}

// Len returns the number of reservations a URL can match, and of works.
func (r *Registry) Len() (urlMatchable, works int) {
	if r == nil {
		return 0, 0
	}
	return len(r.domains) + len(r.urls), r.works
}

// Match returns the reservation that covers rawURL: a domain reservation
// of its host or a parent domain, or a URL reservation that is a prefix of
// it (scheme and host compared case-insensitively, fragment ignored).
func (r *Registry) Match(rawURL string) (Reservation, bool) {
	if r == nil {
		return Reservation{}, false
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return Reservation{}, false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for h := host; h != ""; {
		if v, ok := r.domains[h]; ok {
			return v, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
	}
	c := canonical(u)
	for _, v := range r.urls {
		if strings.HasPrefix(c, v.Value) {
			return v, true
		}
	}
	return Reservation{}, false
}

func canonical(u *url.URL) string {
	c := *u
	c.Scheme = strings.ToLower(c.Scheme)
	c.Host = strings.ToLower(c.Host)
	c.Fragment, c.RawFragment = "", ""
	if c.Path == "" {
		c.Path = "/"
	}
	return c.String()
}
