package cdx

import "bytes"

// AppendHost appends the host of an absolute URL such as
// "https://user@WWW.Example.com:8080/path" to dst and returns the extended
// buffer. The host is lower case, without user info, port or trailing dot,
// and an IPv6 literal loses its brackets. AppendHost reports false, and
// returns dst unchanged, if the URL has no scheme, no host, or a host with
// bytes that cannot occur in a host name (spaces, '%', empty labels, ...).
func AppendHost(dst, url []byte) ([]byte, bool) {
	var buf []byte
	h, ok := hostOf(url, &buf)
	if !ok {
		return dst, false
	}
	for _, c := range h {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, true
}

// Byte classes for host parsing.
const (
	cHost  = 1 << iota // a-z 0-9 - _ and bytes >= 0x80
	cUpper             // A-Z
	cEnd               // / ? # \ end the authority
	cAt                // @
)

var class = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c >= 0x80:
			t[c] = cHost
		case 'A' <= c && c <= 'Z':
			t[c] = cUpper
		case c == '/', c == '?', c == '#', c == '\\':
			t[c] = cEnd
		case c == '@':
			t[c] = cAt
		}
	}
	return t
}()

// hostOf returns the host of url, aliasing url unless the host has to be
// lower-cased; then the lower-case copy is written to *buf.
func hostOf(url []byte, buf *[]byte) ([]byte, bool) {
	start, end, upper, ok := hostSpan(url)
	if !ok {
		return hostOfAny(url, buf)
	}
	return finishHost(url[start:end], upper, buf)
}

// hostSpan is the fast path of hostOf. For the common case, "http://" or
// "https://" and a host name without user info or port, it returns the
// host's bounds in url (a trailing dot included) and whether the host has
// upper-case letters, in one pass; anything else is left to hostOfAny
// (ok false). The result depends only on url[:end] and on the byte after
// it being one that ends the authority (/ ? # \) or the end of url.
func hostSpan(url []byte) (start, end int, upper, ok bool) {
	switch {
	case len(url) >= 8 && string(url[:8]) == "https://":
		start = 8
	case len(url) >= 7 && string(url[:7]) == "http://":
		start = 7
	default:
		return 0, 0, false, false
	}
	label := 0
	j := start
	for ; j < len(url); j++ {
		switch k := class[url[j]]; {
		case k == cHost:
			label++
			continue
		case k == cUpper:
			upper = true
			label++
			continue
		case url[j] == '.' && label > 0:
			label = 0
			continue
		}
		break
	}
	if j < len(url) && class[url[j]] != cEnd {
		// a port, user info, an IPv6 address, an empty label or a byte
		// that is not allowed
		return 0, 0, false, false
	}
	return start, j, upper, true
}

// fastState is the state a Record keeps between lines for the fast path.
type fastState struct {
	fields fastFields
	// hostKey is the start of the last URL up to the end of its host,
	// if hostSpan found it and it needed no lower-casing; its host is
	// hostKey[hostStart:hostEnd].
	hostKey            []byte
	hostStart, hostEnd int
}

// cachedHost is hostOf(url, &rec.hostBuf), faster when url has the host
// of the previous URL, as consecutive lines of an index in SURT order
// mostly do: when url starts with the same bytes up to the end of the
// host, followed by a byte that ends the authority (or nothing), hostSpan
// would find the same host there.
//
// same reports that the host is that of the last call's URL.
func (rec *Record) cachedHost(url []byte) (host []byte, same, ok bool) {
	f := rec.fast
	if p := f.hostKey; len(p) > 0 && len(url) >= len(p) && string(url[:len(p)]) == string(p) &&
		(len(url) == len(p) || class[url[len(p)]] == cEnd) {
		return url[f.hostStart:f.hostEnd], true, true
	}
	f.hostKey = f.hostKey[:0]
	start, end, upper, ok := hostSpan(url)
	if !ok {
		host, ok = hostOfAny(url, &rec.hostBuf)
		return host, false, ok
	}
	host, ok = finishHost(url[start:end], upper, &rec.hostBuf)
	if ok && !upper {
		f.hostKey = append(f.hostKey, url[:end]...)
		f.hostStart, f.hostEnd = start, start+len(host)
	}
	return host, false, ok
}

// finishHost drops a trailing dot, checks the length and lower-cases host.
func finishHost(host []byte, upper bool, buf *[]byte) ([]byte, bool) {
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1] // a trailing dot
	}
	if len(host) == 0 || len(host) > 253 {
		return nil, false
	}
	if !upper {
		return host, true
	}
	return lower(host, buf), true
}

// hostOfAny is hostOf for any URL.
func hostOfAny(url []byte, buf *[]byte) ([]byte, bool) {
	i := bytes.Index(url, []byte("://"))
	if i <= 0 || !validScheme(url[:i]) {
		return nil, false
	}
	auth := url[i+3:]
	start, end := 0, len(auth)
	for j, c := range auth {
		if k := class[c]; k&(cEnd|cAt) != 0 {
			if k == cEnd {
				end = j
				break
			}
			start = j + 1 // user info ends at the last '@'
		}
	}
	auth = auth[start:end]
	if len(auth) > 0 && auth[0] == '[' {
		return ipv6Host(auth, buf)
	}
	// host name, then an optional port
	upper := false
	label := 0
	j := 0
	for ; j < len(auth); j++ {
		c := auth[j]
		switch k := class[c]; {
		case k == cHost:
			label++
			continue
		case k == cUpper:
			upper = true
			label++
			continue
		case c == '.':
			if label == 0 { // a leading dot or an empty label
				return nil, false
			}
			label = 0
			continue
		case c == ':':
		default:
			return nil, false
		}
		break
	}
	if !validPort(auth[j:]) {
		return nil, false
	}
	return finishHost(auth[:j], upper, buf)
}

func ipv6Host(auth []byte, buf *[]byte) ([]byte, bool) {
	end := bytes.IndexByte(auth, ']')
	if end < 0 {
		return nil, false
	}
	host := auth[1:end]
	if !validPort(auth[end+1:]) || len(host) == 0 {
		return nil, false
	}
	upper := false
	for _, c := range host {
		switch {
		case c == ':' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'f':
		case 'A' <= c && c <= 'F':
			upper = true
		default:
			return nil, false
		}
	}
	if upper {
		return lower(host, buf), true
	}
	return host, true
}

func lower(host []byte, buf *[]byte) []byte {
	b := (*buf)[:0]
	for _, c := range host {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	*buf = b
	return b
}

func validScheme(s []byte) bool {
	for j, c := range s {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case j > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// validPort reports whether p is empty, ":" or ":" followed by digits.
func validPort(p []byte) bool {
	if len(p) == 0 {
		return true
	}
	if p[0] != ':' || len(p) > 6 {
		return false
	}
	for _, c := range p[1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
