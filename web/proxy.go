package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr returns the address of the client that sent r. It is the
// connection's peer, unless the peer is one of the trusted proxies: then
// the X-Forwarded-For header is read from right to left, skipping the
// addresses of trusted proxies, and the first untrusted address is the
// client. Entries left of it were written by the client and are ignored,
// as is the whole header when the peer is not trusted, since anyone can
// send one. If every entry is trusted, the leftmost is the client; an
// entry that is not an address ends the walk at the last trusted hop.
// ClientAddr returns the zero Addr if r.RemoteAddr holds no address.
func ClientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	peer := remoteAddr(r.RemoteAddr)
	if !peer.IsValid() || !isTrusted(peer, trusted) {
		return peer
	}
	return forwardedClient(peer, r.Header.Values("X-Forwarded-For"), trusted)
}

// remoteAddr parses a RemoteAddr of the form host:port (or a bare host).
func remoteAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normalAddr(ap.Addr())
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return normalAddr(a)
}

// normalAddr drops an IPv6 zone and unmaps IPv4-mapped IPv6 addresses, so
// that ::ffff:192.0.2.1 matches 192.0.2.0/24.
func normalAddr(a netip.Addr) netip.Addr {
	return a.WithZone("").Unmap()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedClient walks the X-Forwarded-For values hs (one per header
// line, in order) from the right. peer is the trusted proxy that sent the
// request.
func forwardedClient(peer netip.Addr, hs []string, trusted []netip.Prefix) netip.Addr {
	client := peer
	for i := len(hs) - 1; i >= 0; i-- {
		h := hs[i]
		for h != "" {
			var entry string
			if j := strings.LastIndexByte(h, ','); j >= 0 {
				h, entry = h[:j], h[j+1:]
			} else {
				h, entry = "", h
			}
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue // "a,,b" or a trailing comma: no hop
			}
			a, ok := parseForwarded(entry)
			if !ok {
				return client
			}
			client = a
			if !isTrusted(a, trusted) {
				return a
			}
		}
	}
	return client
}

// parseForwarded parses one X-Forwarded-For entry: an IPv4 or IPv6
// address, optionally with a port ("192.0.2.1:4711", "[2001:db8::1]:80")
// or in brackets, as some proxies write them.
func parseForwarded(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return normalAddr(a), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normalAddr(ap.Addr()), true
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil && a.Is6() {
			return normalAddr(a), true
		}
	}
	return netip.Addr{}, false
}

// normalPrefixes masks each prefix and unmaps IPv4-mapped ones, so that
// they match the addresses normalAddr returns.
func normalPrefixes(ps []netip.Prefix) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ps))
	for _, p := range ps {
		if !p.IsValid() {
			continue
		}
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out
}

// clientKey is the context key of the client's address as resolved by
// withClient.
type clientKey struct{}

// withClient resolves r's client address once, for the rate limits, the
// login throttle, the audit log and the request log.
func (s *Server) withClient(r *http.Request) *http.Request {
	a := ClientAddr(r, s.Config.TrustedProxies)
	ip := r.RemoteAddr
	if a.IsValid() {
		ip = a.String()
	}
	return r.WithContext(context.WithValue(r.Context(), clientKey{}, ip))
}

// clientIP returns the address of the client of r: the connection's peer
// or, behind a trusted proxy, the address it forwarded (see ClientAddr).
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientKey{}).(string); ok {
		return ip
	}
	if a := remoteAddr(r.RemoteAddr); a.IsValid() {
		return a.String()
	}
	return r.RemoteAddr
}
