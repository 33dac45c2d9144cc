package crawlstats

import (
	"bytes"
	"hash/maphash"
	"net/netip"
	"strings"

	"github.com/gpai-project/gpai/cdx"
	"github.com/gpai-project/gpai/internal/psl"
	"golang.org/x/net/publicsuffix"
)

// RegisteredDomain returns the registered domain of a host name: its
// eTLD+1 under the full Public Suffix List, ICANN and private sections
// (foo.blogspot.com for a.foo.blogspot.com, example.co.uk for
// www.example.co.uk). An IP address is its own domain, as is a host that
// is itself a public suffix or not a valid name. The host is expected in
// lower case without port, as cdx.AppendHost returns it.
func RegisteredDomain(host string) string {
	d, _ := registeredDomain(host)
	return d
}

// registeredDomain is RegisteredDomain. It also reports whether the domain
// is closed: every name below it (x.d, x a sequence of non-empty labels
// without a colon) has it as registered domain too. That holds for an
// eTLD+1 that is not a node of the Public Suffix List's tree (see package
// psl) and whose top-level label is not a number, so that no name below it
// is an IPv4 address.
func registeredDomain(host string) (d string, closed bool) {
	if strings.IndexByte(host, ':') >= 0 || isIPv4(host) {
		if a, err := netip.ParseAddr(host); err == nil {
			return a.String(), false
		}
		if strings.IndexByte(host, ':') >= 0 {
			return host, false
		}
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host, false
	}
	numeric := true // the top-level label
	for i := len(d) - 1; i >= 0 && d[i] != '.'; i-- {
		numeric = numeric && '0' <= d[i] && d[i] <= '9'
	}
	return d, !numeric && !psl.IsNode(d)
}

// below reports whether host is a name below the domain d: x.d, x a
// sequence of non-empty labels without a colon.
func below(host []byte, d string) bool {
	n := len(host) - len(d) - 1
	if n <= 0 || host[n] != '.' || string(host[n+1:]) != d || host[0] == '.' {
		return false
	}
	for i := 1; i < n; i++ {
		if c := host[i]; c == ':' || c == '.' && host[i-1] == '.' {
			return false
		}
	}
	return host[0] != ':' && host[n-1] != '.'
}

func isIPv4(h string) bool {
	if len(h) < 7 || len(h) > 15 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// tally is a domain's totals during a run: times are Unix seconds.
type tally struct {
	records, bytes int64
	first, last    int64
	name           string
	hash           uint64 // of name, for the shard's domain table
	closed         bool   // every name below name is in this domain (registeredDomain)
}

// shard aggregates records on one goroutine.
type shard struct {
	doms  domainTable
	hosts []hostEntry // cache: host → its domain's tally, by hash of the host
	// probes and hits count lookups in hosts since the last check;
	// skipCache is how many more new hosts are not looked up
	probes, hits, skipCache int
	seed                    maphash.Seed
	slab                    []tally   // tallies to hand out
	slabs                   [][]tally // all tallies, in the order they were handed out
	lastHost                []byte
	last                    *tally
	recTally                *tally // the tally of rec's last line's host, if that line was added
	prevHost                []byte
	prev                    *tally

	lines, records, bytes int64
	malformed             map[string]int64
	examples              Stats // only Malformed and Examples are used
	rec                   cdx.Record
	fields                [][]byte
	hostBuf               []byte
}

// A hostEntry is an entry of a shard's cache of host names: a host of up
// to maxCachedHost bytes, kept in the entry (no allocation per host, and
// one cache line per entry).
type hostEntry struct {
	host [maxCachedHost]byte
	n    uint8  // the host's length
	t    *tally // nil if the entry is empty
}

const maxCachedHost = 55

func newShard(maxHosts int) *shard {
	// a direct-mapped cache: a power of two of entries, at most maxHosts
	// and at most 1<<20 (64 MiB)
	n := 1
	for n*2 <= min(maxHosts, 1<<20) {
		n *= 2
	}
	return &shard{
		doms:  newDomainTable(),
		rec:   cdx.Record{Skip: cdx.FieldOffset | cdx.FieldStatus | cdx.FieldMIME | cdx.FieldFilename},
		hosts: make([]hostEntry, n),
		seed:  maphash.MakeSeed(),
	}
}

// tallyOf returns the tally of host's registered domain.
func (s *shard) tallyOf(host []byte) *tally {
	if s.last != nil && bytes.Equal(host, s.lastHost) {
		return s.last
	}
	// The previous host: www.example.com and example.com alternate in
	// SURT order.
	if s.prev != nil && bytes.Equal(host, s.prevHost) {
		s.lastHost, s.prevHost = s.prevHost, s.lastHost
		s.last, s.prev = s.prev, s.last
		return s.last
	}
	// In SURT order a site's host names come together: below a closed
	// domain, the last one's, no lookup is needed.
	if t := s.last; t != nil && t.closed && below(host, t.name) {
		s.lastHost, s.prevHost = s.prevHost, s.lastHost
		s.prev = s.last
		s.lastHost = append(s.lastHost[:0], host...)
		return t
	}
	var e *hostEntry
	if s.skipCache > 0 {
		s.skipCache--
	} else if len(host) <= maxCachedHost {
		e = &s.hosts[maphash.Bytes(s.seed, host)&uint64(len(s.hosts)-1)]
		s.probes++
	}
	var t *tally
	if e != nil && e.t != nil && int(e.n) == len(host) && string(e.host[:e.n]) == string(host) {
		t = e.t
		s.hits++
	} else {
		name, closed := registeredDomain(string(host))
		// in SURT order, a new host is often in the last domain
		switch {
		case s.last != nil && s.last.name == name:
			t = s.last
		case s.prev != nil && s.prev.name == name:
			t = s.prev
		default:
			t = s.domain(name)
		}
		t.closed = t.closed || closed
		if e != nil {
			e.n = uint8(copy(e.host[:], host))
			e.t = t
		}
	}
	if s.probes == cacheWindow {
		// Input in SURT order, as index shards are, brings each host's
		// lines together: the cache then misses nearly always, each miss
		// a cache line from memory. Below one hit in cacheMinHits, it
		// is left alone for a while.
		if s.hits < cacheWindow/cacheMinHits {
			s.skipCache = cacheRest
		}
		s.probes, s.hits = 0, 0
	}
	s.lastHost, s.prevHost = s.prevHost, s.lastHost
	s.prev = s.last
	s.lastHost = append(s.lastHost[:0], host...)
	s.last = t
	return t
}

// prefault writes the zeros of a new, large slice before it is used.
// Fresh memory from the system reads as a shared page of zeros; the first
// write to a page that was read then replaces it, and the processor's
// other cores must drop their stale mapping of it: an interrupt to each,
// costly in a virtual machine (7 % of the CPU time of a run on the bench
// CDXJ, mostly for the domain table, which is probed before it is
// written). Writing first maps each page once, writable. The host cache is
// left as it is: in SURT order most of its pages are never used, and
// clearing all of them, serially before the work starts, cost more.
func prefault[S ~[]E, E any](s S) S {
	clear(s)
	return s
}

// The host cache's use is measured over cacheWindow lookups; with fewer
// than one hit in cacheMinHits, the next cacheRest new hosts skip it.
const (
	cacheWindow  = 4096
	cacheMinHits = 16
	cacheRest    = 1 << 16
)

// domain returns the tally of the registered domain name, new if need be.
func (s *shard) domain(name string) *tally {
	h := maphash.String(s.doms.seed, name)
	slot := s.doms.find(h, name)
	if t := s.doms.ptrs[slot]; t != nil {
		return t
	}
	if len(s.slab) == 0 {
		s.slab = make([]tally, 1024)
		s.slabs = append(s.slabs, s.slab)
	}
	t := &s.slab[0]
	s.slab = s.slab[1:]
	*t = tally{first: 1<<63 - 1, last: -1 << 63, name: name, hash: h}
	s.doms.insert(slot, t)
	return t
}

// A domainTable maps domain names to their tallies. It is an
// open-addressing hash table probed linearly, with the hashes' top bits
// in an array of their own: in SURT order nearly every lookup is of a
// new domain, which then costs one probe of that small array, where a
// map would be searched once and written once, each time hashing the
// name and reading its memory. It never shrinks: shards live for a run.
type domainTable struct {
	seed maphash.Seed
	tags []uint32 // tag(hash of the name) of each slot, 0 if the slot is empty
	ptrs []*tally
	n    int
}

func newDomainTable() domainTable {
	return domainTable{seed: maphash.MakeSeed(), tags: make([]uint32, 1024), ptrs: make([]*tally, 1024)}
}

func (d *domainTable) len() int { return d.n }

// tag returns a hash's tag: never 0, which marks an empty slot.
func tag(h uint64) uint32 { return uint32(h>>32) | 1 }

// find returns the slot of name, with hash h: its own, or the empty slot
// where it would go.
func (d *domainTable) find(h uint64, name string) int {
	mask := len(d.tags) - 1
	tg := tag(h)
	for i := int(h) & mask; ; i = (i + 1) & mask {
		switch d.tags[i] {
		case 0:
			return i
		case tg:
			if d.ptrs[i].name == name {
				return i
			}
		}
	}
}

// insert puts t in the empty slot that find returned for its name,
// growing the table to keep it at most half full.
func (d *domainTable) insert(slot int, t *tally) {
	d.tags[slot], d.ptrs[slot] = tag(t.hash), t
	d.n++
	if 2*d.n <= len(d.tags) {
		return
	}
	tags, ptrs := d.tags, d.ptrs
	d.tags, d.ptrs = prefault(make([]uint32, 2*len(tags))), prefault(make([]*tally, 2*len(ptrs)))
	mask := len(d.tags) - 1
	for j, p := range ptrs {
		if p == nil {
			continue
		}
		i := int(p.hash) & mask
		for d.tags[i] != 0 {
			i = (i + 1) & mask
		}
		d.tags[i], d.ptrs[i] = tags[j], p
	}
}

func (t *tally) add(length, unix int64) {
	t.records++
	t.bytes += length
	t.first = min(t.first, unix)
	t.last = max(t.last, unix)
}

func (t *tally) addNoTime(length int64) {
	t.records++
	t.bytes += length
}

func (s *shard) add(host []byte, length, unix int64) {
	s.tallyOf(host).add(length, unix)
	s.records++
	s.bytes += length
}

func (s *shard) bad(kind, input string, offset int64, line []byte) {
	s.examples.addMalformed(kind, 1, input, offset, line)
}

// flush moves the shard's totals into st.
func (s *shard) flush(st *Stats) {
	st.Lines += s.lines
	if st.Domains == nil {
		st.Domains = make(map[string]*Domain, s.doms.len())
	}
	// into an empty st, every domain is new: no need to look it up
	fresh := len(st.Domains) == 0
	var slab []Domain // new entries, allocated together
	// the tallies in the order they were handed out, not the map's: they
	// are next to each other in memory
	for _, sl := range s.slabs {
		for i := range sl {
			t := &sl[i]
			if t.records == 0 {
				continue // not handed out, or never added to
			}
			st.Records += t.records
			st.Bytes += t.bytes
			var d *Domain
			if !fresh {
				d = st.Domains[t.name]
			}
			if d == nil {
				if len(slab) == 0 {
					slab = prefault(make([]Domain, min(s.doms.len(), 4096)))
				}
				d, slab = &slab[0], slab[1:]
				st.Domains[t.name] = d
			}
			d.Records += t.records
			d.Bytes += t.bytes
			if t.first <= t.last {
				first, last := unixTime(t.first), unixTime(t.last)
				if d.First.IsZero() || first.Before(d.First) {
					d.First = first
				}
				if last.After(d.Last) {
					d.Last = last
				}
			}
		}
	}
	st.Merge(&s.examples)
}

// Aggregator adds records to per-domain totals quickly: it caches the
// registered domain of recently seen hosts and keeps times as integers.
// An Aggregator is for one goroutine; give each goroutine its own and
// merge their Stats.
type Aggregator struct {
	s *shard
}

// NewAggregator returns an Aggregator that caches the domains of up to
// hostCache host names (0 means 1<<17).
func NewAggregator(hostCache int) *Aggregator {
	if hostCache <= 0 {
		hostCache = DefaultConfig().HostCache
	}
	return &Aggregator{s: newShard(hostCache)}
}

// Add adds a valid record: the lower-case host name of its URL (without
// port), its WARC record length and its capture time in Unix seconds.
func (a *Aggregator) Add(host []byte, length, unix int64) {
	a.s.lines++
	a.s.add(host, length, unix)
}

// AddMalformed counts a malformed line of the given kind; the first few
// are kept as examples.
func (a *Aggregator) AddMalformed(kind, input string, offset int64, line []byte) {
	a.s.lines++
	a.s.bad(kind, input, offset, line)
}

// Stats returns the totals added so far.
func (a *Aggregator) Stats() *Stats {
	st := &Stats{Domains: map[string]*Domain{}}
	a.s.flush(st)
	return st
}
