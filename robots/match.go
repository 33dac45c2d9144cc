package robots

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync/atomic"
	"unsafe"
)

// How a File decides
//
// Parsing compiles the allow and disallow rules of both readings into one
// arena of pointer-free rules (File.rules). A line that reads the same
// under both readings (the same kind and value, and a value that needs no
// percent-encoding normalisation, so that both normalise it alike) is
// compiled once and shared. Patterns are offsets into the file or, when
// normalisation changed them, into File.norm.
//
// The groups that apply to an agent are resolved into a rule set: the
// indices of its rules, sorted so that the first rule that matches in a
// scan is the one that decides (longest pattern first, an allow before a
// disallow of the same length, then file order). Rule sets with many rules
// keep the rules whose literal prefix has two bytes or more ("anchored")
// in buckets by that second byte, and scan them before the others
// ("float" rules, such as "/*?s="). When the RFC and Google readings give
// an agent the same groups with the same rules, both readings share one
// rule set, and a Strict decision evaluates it once.
//
// Agents are looked up in an open-addressing hash table of the
// lower-cased tokens of both readings, which gives the rule sets of both
// readings at once and does not allocate.

// bucketMin is the number of rules from which a rule set indexes its
// anchored rules by the second byte of their literal prefix.
const bucketMin = 16

// Flags of a crule.
const (
	fAllow   = 1 << iota // an allow rule
	fEnd                 // anchored at the end of the path ($)
	fDerived             // Google's index.html rule
	fNorm                // the pattern is in File.norm, not in File.src
	fWild                // the pattern has a '*' after its literal prefix
	fOne                 // fWild, and the rest of the pattern after that '*' has no other
)

// A crule is a compiled allow or disallow rule. It holds no pointers.
type crule struct {
	w, wm uint64 // the first 8 bytes of the literal prefix (little-endian) and their mask
	need  uint64 // the byte classes (see byteClass) that the pattern's literal pieces after '*' need
	key   uint64 // precedence: the smaller key wins (see ruleKey)
	pat   uint32 // offset of the normalised pattern, without a final '$'
	patn  uint32 // its length
	plen  uint32 // length of the literal prefix: up to the first '*'
	raw   uint32 // offset in File.src of the pattern as written
	rawn  uint32
	line  int32
	prio  int32 // length of the normalised pattern: the match's priority
	flags uint8
	c1    uint8  // the second byte of the literal prefix, when plen >= 2
	anch  uint16 // fOne: the offset of the rarest byte of the piece after '*'
}

// ruleKey orders rules by precedence: a longer pattern first, then an
// allow before a disallow, then the earlier line. Patterns are shorter
// than 1<<22 bytes (three times MaxSize) and lines fewer than 1<<20.
func ruleKey(prio int32, allow bool, line int32) uint64 {
	k := uint64(1<<22-1-prio)<<41 | uint64(line)<<20
	if !allow {
		k |= 1 << 40
	}
	return k
}

// byteClass maps a byte to a bit of a 64-bit set: letters fold case, and
// the characters that distinguish query rules (? & = . / _ - %) have bits
// of their own. The mapping only has to be the same for paths and
// patterns; collisions make the filter weaker, never wrong.
var byteClass = func() (t [256]uint8) {
	for i := range t {
		t[i] = 63
	}
	next := uint8(0)
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = next, next
		next++
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = next
		next++
	}
	for _, c := range []byte("?&=./_-%:;,+!$'()@~[]") {
		t[c] = next
		next++
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = classHigh
	}
	return t
}()

// classHigh is the byte class of non-ASCII octets.
const classHigh = 62

// normClasses are the byte classes of the octets that make a path need
// RFC 9309 normalisation: non-ASCII octets and '%' (as in needsNorm).
var normClasses = uint64(1)<<classHigh | 1<<byteClass['%']

func pathMask(path string) uint64 {
	t := &byteClass
	var m, n uint64
	i := 0
	for ; i+8 <= len(path); i += 8 {
		w := word(path, i)
		m |= 1<<(t[byte(w)]&63) | 1<<(t[byte(w>>8)]&63) | 1<<(t[byte(w>>16)]&63) | 1<<(t[byte(w>>24)]&63)
		n |= 1<<(t[byte(w>>32)]&63) | 1<<(t[byte(w>>40)]&63) | 1<<(t[byte(w>>48)]&63) | 1<<(t[byte(w>>56)]&63)
	}
	for ; i < len(path); i++ {
		m |= 1 << (t[path[i]] & 63)
	}
	return m | n
}

// word returns the 8 bytes of s at offset i, which the caller ensures
// are in s, as a little-endian word.
func word(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))[:])
}

// classRank orders byte classes from the rarest in URL paths to the most
// common; a float rule is indexed by the rarest class it needs.
var classRank = func() (r [64]uint8) {
	order := []byte("\x00\x80%[]@!$'(),+;:~qzxjk?&=9876543210vwybfgph_mucdlsnrtiaoe.-/")
	for i := range r {
		r[i] = 255
	}
	r[63] = 0
	for i, c := range order[1:] {
		if cl := byteClass[c]; r[cl] == 255 {
			r[cl] = uint8(i + 1)
		}
	}
	return r
}()

// keyClass returns the rarest class of need, which must not be zero.
func keyClass(need uint64) int {
	best, rank := 0, 256
	for ; need != 0; need &= need - 1 {
		c := bits.TrailingZeros64(need)
		if int(classRank[c]) < rank {
			best, rank = c, int(classRank[c])
		}
	}
	return best
}

// load8 returns the first 8 bytes of s as a little-endian word, padded
// with zeros.
func load8(s string) uint64 {
	if len(s) >= 8 {
		return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))
	}
	return load8Short(s)
}

// load8Short is load8 for strings shorter than 8 bytes.
func load8Short(s string) uint64 {
	switch n := len(s); {
	case n >= 4:
		lo := uint64(binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s), 4)))
		hi := uint64(binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(s[n-4:]), 4)))
		return lo | hi<<(8*(n-4)&63)
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<(8*(n/2)&63) | uint64(s[n-1])<<(8*(n-1)&63)
	}
	return 0
}

// A ruleset is the merged, compiled rules of the groups that apply to one
// agent under one reading, or both when they agree.
type ruleset struct {
	groupLines []int   // line of the first user-agent line of each group
	idx        []int32 // rule indices: the float rules, then the anchored ones by bucket
	nfloat     int32
	off        []int32    // bucketed sets: anchored rules of bucket c are idx[nfloat+off[c]:nfloat+off[c+1]]
	anch       []anchRule // bucketed sets: the anchored rules, like idx[nfloat:]

	// The float rules as bitmaps of fwords words, bit j of word w standing
	// for idx[64*w+j]. Each rule that needs some byte class is indexed by
	// the rarest one, its key class: fkey[64*w+c] has the rules of key
	// class c, fkeys all key classes, and fnone the rules that need no
	// class. fneed[j] is the byte classes that idx[j] needs: a path that
	// lacks one of them cannot match it.
	fkey   []uint64
	fnone  []uint64
	fneed  []uint64
	fkeys  uint64
	fwords int32
}

// An anchRule is what a bucket scan needs of an anchored rule, kept
// together so that a scan reads consecutive memory.
type anchRule struct {
	w, wm uint64 // crule.w and wm
	plen  uint32
	i     int32 // index in File.rules
}

// agentRules are the compiled rule sets of one agent entry, with the
// arenas they refer to: everything a decision reads. They never change
// once published.
type agentRules struct {
	src, norm      string
	rules          []crule
	rfc, google    *ruleset // nil when no group applies
	rscope, gscope Scope
}

// pattern returns r's normalised pattern without its final '$'.
func (f *agentRules) pattern(r *crule) string {
	s := f.src
	if r.flags&fNorm != 0 {
		s = f.norm
	}
	return s[r.pat : r.pat+r.patn]
}

// matchTail reports whether r matches path, which has at least r.plen
// bytes and whose first 8 bytes match r's.
func (f *agentRules) matchTail(r *crule, path string) bool {
	pat := f.pattern(r)
	if r.plen > 8 && path[8:r.plen] != pat[8:r.plen] {
		return false
	}
	if r.flags&fWild == 0 {
		return r.flags&fEnd == 0 || uint32(len(path)) == r.plen
	}
	if r.flags&fOne != 0 {
		rest, lit := path[r.plen:], pat[r.plen+1:]
		if r.flags&fEnd != 0 {
			return len(rest) >= len(lit) && rest[len(rest)-len(lit):] == lit
		}
		return contains(rest, lit, int(r.anch))
	}
	return matchRest(path[r.plen:], pat[r.plen+1:], r.flags&fEnd != 0)
}

// contains reports whether lit is in s. It looks for the byte of lit at
// offset a, the one that is likely the rarest, and compares lit around
// each of its occurrences.
func contains(s, lit string, a int) bool {
	n := len(lit)
	if n == 0 {
		return true
	}
	c := lit[a]
	for len(s) >= n {
		k := strings.IndexByte(s[a:len(s)-n+a+1], c)
		if k < 0 {
			return false
		}
		if s[k:k+n] == lit {
			return true
		}
		s = s[k+1:]
	}
	return false
}

// rarest returns the offset of the rarest byte of lit by classRank, or 0.
func rarest(lit string) uint16 {
	best, rank := 0, 256
	for i := 0; i < len(lit) && i < 1<<16; i++ {
		if r := int(classRank[byteClass[lit[i]]&63]); r < rank {
			best, rank = i, r
		}
	}
	return uint16(best)
}

// matchRest matches the part of a pattern after its first '*' against the
// rest of a path. Matching is greedy and leftmost for each literal piece,
// which is exact for patterns whose only wildcard is '*', and linear in
// the length of the path for each piece. The last piece must end the path
// when end is set.
func matchRest(p, rest string, end bool) bool {
	for {
		j := strings.IndexByte(rest, '*')
		if j < 0 {
			if end {
				return strings.HasSuffix(p, rest)
			}
			return strings.Contains(p, rest)
		}
		if j > 0 {
			k := strings.Index(p, rest[:j])
			if k < 0 {
				return false
			}
			p = p[k+j:]
		}
		rest = rest[j+1:]
	}
}

// eval returns the index of the rule of rs that decides path, or -1 when
// no rule matches. m is pathMask(path) if rs.fwords > 0.
func (f *agentRules) eval(rs *ruleset, path string, m uint64) int32 {
	rules := f.rules
	pw := load8(path)
	best := int32(-1)
	bestKey := ^uint64(0)
	if rs.off != nil && len(path) >= 2 {
		c := path[1]
		n := uint32(len(path))
		for _, a := range rs.anch[rs.off[c]:rs.off[int(c)+1]] {
			if n >= a.plen && (pw^a.w)&a.wm == 0 && f.matchTail(&rules[a.i], path) {
				best, bestKey = a.i, rules[a.i].key
				break
			}
		}
	}
	floats := rs.idx[:rs.nfloat]
	if rs.fwords == 0 {
		for _, i := range floats {
			r := &rules[i]
			if r.key >= bestKey {
				return best
			}
			if uint32(len(path)) >= r.plen && (pw^r.w)&r.wm == 0 && f.matchTail(r, path) {
				return i
			}
		}
		return best
	}
	// The candidates: the rules of the key classes that path has, and
	// those without one, in order of precedence.
	keys := rs.fkeys & m
	for w := range int(rs.fwords) {
		cand := rs.fnone[w]
		bm := rs.fkey[64*w : 64*w+64]
		for k := keys; k != 0; k &= k - 1 {
			cand |= bm[bits.TrailingZeros64(k)]
		}
		for ; cand != 0; cand &= cand - 1 {
			j := 64*w + bits.TrailingZeros64(cand)
			if rs.fneed[j]&^m != 0 {
				continue
			}
			i := floats[j]
			r := &rules[i]
			if r.key >= bestKey {
				return best
			}
			if uint32(len(path)) >= r.plen && (pw^r.w)&r.wm == 0 && f.matchTail(r, path) {
				return i
			}
		}
	}
	return best
}

// A builder groups the records of one reading. Agents and rules are
// indices in File.Records.
type builder struct {
	google  bool
	groups  []bgroup
	agents  []int32
	rules   []int32
	cur     int
	hasRule bool
}

// A bgroup is a group being built: its agents are agents[alo:ahi] and its
// rules rules[lo:hi] of its builder.
type bgroup struct {
	line     int
	alo, ahi int32
	lo, hi   int32
}

func newBuilder(google bool) builder {
	return builder{google: google, cur: -1}
}

func (b *builder) userAgent(n int, rec int32) {
	if b.cur < 0 || b.hasRule {
		if b.groups == nil {
			b.groups = make([]bgroup, 0, 16)
			b.agents = make([]int32, 0, 64)
		}
		b.groups = append(b.groups, bgroup{line: n, alo: int32(len(b.agents)), lo: int32(len(b.rules))})
		b.cur = len(b.groups) - 1
		b.hasRule = false
	}
	b.agents = append(b.agents, rec)
	g := &b.groups[b.cur]
	g.ahi = int32(len(b.agents))
	g.hi = int32(len(b.rules))
}

// rule adds a rule to the current group; it reports false if there is none.
func (b *builder) rule(rec int32) bool {
	if b.cur < 0 {
		return false
	}
	if b.rules == nil {
		b.rules = make([]int32, 0, 256)
	}
	b.hasRule = true
	b.rules = append(b.rules, rec)
	b.groups[b.cur].hi = int32(len(b.rules))
	return true
}

// offsetIn returns the offset of s in base, of which it is a substring.
func offsetIn(base, s string) uint32 {
	return uint32(uintptr(unsafe.Pointer(unsafe.StringData(s))) - uintptr(unsafe.Pointer(unsafe.StringData(base))))
}

// addRule compiles a rule. pat is the normalised pattern, at offset off of
// File.src or, with fNorm in flags, of the normalisation buffer; raw is
// the pattern as written.
func (p *parser) addRule(line int32, flags uint8, pat string, off uint32, raw string) int32 {
	r := crule{prio: int32(len(pat)), line: line, flags: flags, pat: off}
	if raw != "" {
		r.raw, r.rawn = offsetIn(p.f.src, raw), uint32(len(raw))
	}
	r.key = ruleKey(r.prio, flags&fAllow != 0, line)
	if strings.HasSuffix(pat, "$") {
		pat = pat[:len(pat)-1]
		r.flags |= fEnd
	}
	r.patn = uint32(len(pat))
	if i := strings.IndexByte(pat, '*'); i < 0 {
		r.plen = uint32(len(pat))
	} else {
		r.plen = uint32(i)
		r.flags |= fWild
		rest := pat[i+1:]
		if strings.IndexByte(rest, '*') < 0 {
			r.flags |= fOne
			r.anch = rarest(rest)
		}
		if rest == "" || rest[len(rest)-1] == '*' {
			r.flags &^= fEnd // "/a*$" is the same as "/a*", which is "/a"
		}
		for j := 0; j < len(rest); j++ {
			if c := rest[j]; c != '*' {
				r.need |= 1 << (byteClass[c] & 63)
			}
		}
	}
	n := min(r.plen, 8)
	r.w = load8(pat[:n])
	if n > 0 {
		r.wm = ^uint64(0) >> (64 - 8*n)
	}
	if r.plen >= 2 {
		r.c1 = pat[1]
	}
	p.rules = append(p.rules, r)
	return int32(len(p.rules) - 1)
}

// compileRule compiles the pattern v of a rule of the RFC reading
// (google false) or Google's, normalising it as the reading does.
func (p *parser) compileRule(line int32, allow, google bool, v string) int32 {
	var flags uint8
	if allow {
		flags = fAllow
	}
	if !needsNorm(v) {
		return p.addRule(line, flags, v, offsetIn(p.f.src, v), v)
	}
	off := len(p.norm)
	if google {
		p.norm = appendGoogle(p.norm, v)
	} else {
		p.norm = appendRFC(p.norm, v)
	}
	return p.addRule(line, flags|fNorm, bytesString(p.norm[off:]), uint32(off), v)
}

// derive adds Google's index.html rule for the allow rule ri, if its last
// segment starts with /index.htm: Allow: /d/index.html also allows /d/.
func (p *parser) derive(ri int32) int32 {
	r := &p.rules[ri]
	full := p.fullPattern(r)
	i := strings.LastIndexByte(full, '/')
	if i < 0 || !strings.HasPrefix(full[i:], "/index.htm") {
		return -1
	}
	// The derived pattern is full[:i+1] + "$": a prefix of the same
	// pattern, anchored at the end.
	d := crule{prio: int32(i + 2), line: r.line, flags: fAllow | fEnd | fDerived | r.flags&fNorm,
		pat: r.pat, patn: uint32(i + 1), plen: uint32(i + 1), raw: r.raw, rawn: r.rawn}
	d.key = ruleKey(d.prio, true, d.line)
	q := full[:i+1]
	if j := strings.IndexByte(q, '*'); j >= 0 {
		d.plen = uint32(j)
		d.flags |= fWild
		rest := q[j+1:]
		if strings.IndexByte(rest, '*') < 0 {
			d.flags |= fOne
			d.anch = rarest(rest)
		}
		if rest == "" || rest[len(rest)-1] == '*' {
			d.flags &^= fEnd
		}
		for k := 0; k < len(rest); k++ {
			if c := rest[k]; c != '*' {
				d.need |= 1 << (byteClass[c] & 63)
			}
		}
	}
	n := min(d.plen, 8)
	d.w = load8(q[:n])
	if n > 0 {
		d.wm = ^uint64(0) >> (64 - 8*n)
	}
	if d.plen >= 2 {
		d.c1 = q[1]
	}
	p.rules = append(p.rules, d)
	return int32(len(p.rules) - 1)
}

// fullPattern returns r's normalised pattern with its final '$', if any.
func (p *parser) fullPattern(r *crule) string {
	return p.patternN(r, uint32(r.prio))
}

func (p *parser) patternN(r *crule, n uint32) string {
	if r.flags&fNorm != 0 {
		return bytesString(p.norm[r.pat : r.pat+n])
	}
	return p.f.src[r.pat : r.pat+n]
}

// group returns the compiled rules of group g of the reading, compiling
// them on first use. Google's reading shares the RFC reading's rule of a
// record when both read the same value and it needs no normalisation (so
// that both would compile it alike).
func (sb *setBuilder) group(g int32) []int32 {
	if sb.done[g] {
		return sb.grules[g]
	}
	p := sb.p
	recs := p.f.Records
	bg := sb.b.groups[g]
	start := len(p.list)
	for _, ri := range sb.b.rules[bg.lo:bg.hi] {
		r := &recs[ri]
		if !sb.b.google {
			if r.Value == "" {
				continue
			}
			i := p.rfcOf[ri]
			if i < 0 {
				i = p.compileRule(int32(r.Line), r.Kind == Allow, false, r.Value)
				p.rfcOf[ri] = i
			}
			p.list = append(p.list, i)
			continue
		}
		v := p.gval(ri)
		if v == "" {
			continue
		}
		allow := r.Google == Allow
		var i int32
		if r.Kind == r.Google && r.Value == v && !needsNorm(v) {
			if i = p.rfcOf[ri]; i < 0 {
				i = p.compileRule(int32(r.Line), allow, false, v)
				p.rfcOf[ri] = i
			}
		} else {
			i = p.compileRule(int32(r.Line), allow, true, v)
		}
		p.list = append(p.list, i)
		if allow {
			if d := p.derive(i); d >= 0 {
				p.list = append(p.list, d)
			}
		}
	}
	out := p.list[start:len(p.list):len(p.list)]
	sb.grules[g], sb.done[g] = out, true
	return out
}

// An agentEnt is what an agent token resolves to: a rule set of each
// reading (an index in File.sets, or -1) and the scope it applies under.
type agentEnt struct {
	key            string  // the lower-case token
	kw             uint64  // load8 of key, when it has at most 8 bytes
	rgs, ggs       []int32 // the groups of each reading that apply
	gidx           []int   // rgs as ints, for GroupsFor
	rscope, gscope Scope
	id             int32 // index in index.comp
	rlast, glast   int32 // while building: the last group added
}

// An index is what the lazy building of a File makes first: the agent
// table, and the builders of the rule sets. The table never changes once
// published; comp[e.id] holds the rules of entry e once compiled. The
// builders are guarded by File.mu.
type index struct {
	table    agentTable
	comp     []atomic.Pointer[agentRules]
	rsb, gsb *setBuilder
}

// agentTable finds the agentEnt of an agent, case-insensitively.
type agentTable struct {
	slots []int32 // index+1 in ents; 0 is empty
	ents  []agentEnt
	def   agentEnt // for agents no group names
}

// lowerWord lower-cases the ASCII letters of 8 bytes.
func lowerWord(w uint64) uint64 {
	const ones = 0x0101010101010101
	low := w & (0x7F * ones)
	a := low + (0x80-'A')*ones   // high bit set where the byte is >= 'A'
	z := low + (0x80-'Z'-1)*ones // high bit set where the byte is > 'Z'
	return w | (a&^z&^w&(0x80*ones))>>2
}

// hashLower hashes s case-insensitively (ASCII).
func hashLower(s string) uint64 {
	h := uint64(len(s)) * 0x9E3779B97F4A7C15
	for ; len(s) >= 8; s = s[8:] {
		h = (h ^ lowerWord(load8(s))) * 0x9E3779B97F4A7C15
	}
	if len(s) > 0 {
		h = (h ^ lowerWord(load8Short(s))) * 0x9E3779B97F4A7C15
	}
	return h ^ h>>32
}

// equalLower reports whether s, lower-cased (ASCII), is key.
func equalLower(key, s string) bool {
	if len(key) != len(s) {
		return false
	}
	for ; len(s) >= 8; s, key = s[8:], key[8:] {
		if lowerWord(load8(s)) != load8(key) {
			return false
		}
	}
	return len(s) == 0 || lowerWord(load8Short(s)) == load8Short(key)
}

// find returns the entry of agent.
func (t *agentTable) find(agent string) *agentEnt {
	if len(t.slots) == 0 {
		return &t.def
	}
	mask := uint64(len(t.slots) - 1)
	if len(agent) <= 8 {
		w := lowerWord(load8Short(agent))
		h := uint64(len(agent)) * 0x9E3779B97F4A7C15
		if len(agent) > 0 {
			h = (h ^ w) * 0x9E3779B97F4A7C15
		}
		for h = (h ^ h>>32) & mask; ; h = (h + 1) & mask {
			e := t.slots[h]
			if e == 0 {
				return &t.def
			}
			if ent := &t.ents[e-1]; ent.kw == w && len(ent.key) == len(agent) {
				return ent
			}
		}
	}
	for h := hashLower(agent) & mask; ; h = (h + 1) & mask {
		e := t.slots[h]
		if e == 0 {
			return &t.def
		}
		if ent := &t.ents[e-1]; equalLower(ent.key, agent) {
			return ent
		}
	}
}

// insert returns the index of the entry of the lower-case token key,
// adding it if needed.
func (t *agentTable) insert(key string) int32 {
	mask := uint64(len(t.slots) - 1)
	h := hashLower(key) & mask
	for ; t.slots[h] != 0; h = (h + 1) & mask {
		if t.ents[t.slots[h]-1].key == key {
			return t.slots[h] - 1
		}
	}
	ent := agentEnt{key: key, rlast: -1, glast: -1, id: int32(len(t.ents))}
	if len(key) <= 8 {
		ent.kw = load8Short(key)
	}
	t.ents = append(t.ents, ent)
	t.slots[h] = int32(len(t.ents))
	return int32(len(t.ents) - 1)
}

// A setBuilder makes the rule sets of one reading.
type setBuilder struct {
	p      *parser
	b      *builder
	grules [][]int32 // the compiled rules of each group, once done
	done   []bool
	single []*ruleset          // the set of each group alone, or nil
	multi  map[string]*ruleset // sets of several groups, by their group indices
	twin   *setBuilder         // the RFC reading, for Google's
	tgroup []int32             // for Google's reading: the RFC group at the same line, or -1
}

// set returns the rule set of the groups gs of the reading.
func (sb *setBuilder) set(gs []int32) *ruleset {
	if len(gs) == 0 {
		return nil
	}
	var key string
	if len(gs) == 1 {
		if s := sb.single[gs[0]]; s != nil {
			return s
		}
	} else {
		key = string(unsafe.Slice((*byte)(unsafe.Pointer(&gs[0])), 4*len(gs)))
		if s, ok := sb.multi[key]; ok {
			return s
		}
	}
	s := sb.make(gs)
	if len(gs) == 1 {
		sb.single[gs[0]] = s
	} else {
		if sb.multi == nil {
			sb.multi = make(map[string]*ruleset)
		}
		sb.multi[key] = s
	}
	return s
}

// make builds the rule set of the groups gs, or finds the RFC one it can
// share.
func (sb *setBuilder) make(gs []int32) *ruleset {
	p := sb.p
	if tw := sb.twin; tw != nil {
		// Google's reading: share the RFC set with the same groups (by
		// line) and the same rules.
		var buf [4]int32
		rgs := buf[:0]
		if len(gs) > len(buf) {
			rgs = make([]int32, 0, len(gs))
		}
		ok := true
		for _, g := range gs {
			rg := sb.tgroup[g]
			rgs = append(rgs, rg)
			ok = ok && rg >= 0
		}
		if ok {
			var s *ruleset
			if len(rgs) == 1 {
				s = tw.single[rgs[0]]
			} else if tw.multi != nil {
				s = tw.multi[string(unsafe.Slice((*byte)(unsafe.Pointer(&rgs[0])), 4*len(rgs)))]
			}
			if s != nil && sb.sameRules(gs, rgs) {
				return s
			}
		}
	}
	rules := p.scratch[:0]
	for _, g := range gs {
		rules = append(rules, sb.group(g)...)
	}
	p.scratch = rules
	rs := new(ruleset)
	lines := p.intArena(len(gs))
	for i, g := range gs {
		lines[i] = sb.b.groups[g].line
	}
	rs.groupLines = lines
	p.sortSet(rs, rules)
	return rs
}

// sameRules reports whether Google's groups gs hold the same compiled
// rules as the RFC groups rgs.
func (sb *setBuilder) sameRules(gs, rgs []int32) bool {
	tw := sb.twin
	p := sb.p
	var a, b []int32
	if len(gs) == 1 {
		a, b = sb.group(gs[0]), tw.group(rgs[0])
	} else {
		for _, g := range gs {
			a = append(a, sb.group(g)...)
		}
		for _, g := range rgs {
			b = append(b, tw.group(g)...)
		}
	}
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		x, y := &p.rules[a[i]], &p.rules[b[i]]
		if x.key != y.key || x.flags&^fNorm != y.flags&^fNorm || x.prio != y.prio ||
			p.fullPattern(x) != p.fullPattern(y) {
			return false
		}
	}
	return true
}

// intArena returns n ints from a shared arena.
func (p *parser) intArena(n int) []int {
	if len(p.ints)+n > cap(p.ints) {
		p.ints = make([]int, 0, max(64, 2*n))
	}
	s := p.ints[len(p.ints) : len(p.ints)+n : len(p.ints)+n]
	p.ints = p.ints[:len(p.ints)+n]
	return s
}

// idxArena returns n int32s from a shared arena.
func (p *parser) idxArena(n int) []int32 {
	if len(p.idx)+n > cap(p.idx) {
		p.idx = make([]int32, 0, max(512, 2*n))
	}
	s := p.idx[len(p.idx) : len(p.idx)+n : len(p.idx)+n]
	p.idx = p.idx[:len(p.idx)+n]
	return s
}

// sortSet sorts rules (in file order) into rs: by precedence, and for a
// bucketed set the float rules first and then the anchored ones by the
// second byte of their prefix. Both passes are stable counting sorts.
func (p *parser) sortSet(rs *ruleset, in []int32) {
	rules := p.rules
	n := len(in)
	out := p.idxArena(n)
	maxPrio := int32(0)
	for _, i := range in {
		maxPrio = max(maxPrio, rules[i].prio)
	}
	// Pass 1: by precedence. Keys are unique, so a stable sort by
	// (prio, allow) of rules in file order sorts by the whole key.
	if maxPrio < 4096 {
		nk := 2*int(maxPrio) + 2
		cnt := p.counts(nk + 1)
		for _, i := range in {
			r := &rules[i]
			cnt[precKey(r, maxPrio)+1]++
		}
		for k := 1; k <= nk; k++ {
			cnt[k] += cnt[k-1]
		}
		for _, i := range in {
			k := precKey(&rules[i], maxPrio)
			out[cnt[k]] = i
			cnt[k]++
		}
	} else {
		copy(out, in)
		slices.SortFunc(out, func(a, b int32) int {
			x, y := rules[a].key, rules[b].key
			if x < y {
				return -1
			}
			if x > y {
				return 1
			}
			return 0
		})
	}
	if n < bucketMin {
		rs.idx = out
		rs.nfloat = int32(n)
		p.floatFilter(rs)
		return
	}
	// Pass 2: float rules first, then by the second byte of the prefix.
	cnt := p.counts(258)
	for _, i := range out {
		cnt[class(&rules[i])+1]++
	}
	for k := 1; k < 258; k++ {
		cnt[k] += cnt[k-1]
	}
	nfloat := cnt[1]
	off := p.idxArena(257)
	for c := 0; c < 257; c++ {
		off[c] = cnt[c+1] - nfloat
	}
	res := p.idxArena(n)
	for _, i := range out {
		k := class(&rules[i])
		res[cnt[k]] = i
		cnt[k]++
	}
	rs.idx = res
	rs.nfloat = nfloat
	rs.off = off
	rs.anch = make([]anchRule, n-int(nfloat))
	for k, i := range res[nfloat:] {
		r := &rules[i]
		rs.anch[k] = anchRule{w: r.w, wm: r.wm, plen: r.plen, i: i}
	}
	p.floatFilter(rs)
}

// floatFilter indexes the float rules of rs by key class (see ruleset).
func (p *parser) floatFilter(rs *ruleset) {
	floats := rs.idx[:rs.nfloat]
	var classes uint64
	for _, i := range floats {
		classes |= p.rules[i].need
	}
	if classes == 0 {
		return
	}
	nw := (len(floats) + 63) / 64
	rs.fwords = int32(nw)
	rs.fneed = p.needArena(len(floats))
	rs.fnone = p.needArena(nw)
	rs.fkey = p.needArena(64 * nw)
	for j, i := range floats {
		need := p.rules[i].need
		rs.fneed[j] = need
		if need == 0 {
			rs.fnone[j/64] |= 1 << (j % 64)
			continue
		}
		c := keyClass(need)
		rs.fkeys |= 1 << c
		rs.fkey[64*(j/64)+c] |= 1 << (j % 64)
	}
}

// needArena returns n uint64s from a shared arena.
func (p *parser) needArena(n int) []uint64 {
	if len(p.needs)+n > cap(p.needs) {
		p.needs = make([]uint64, 0, max(128, 2*n))
	}
	s := p.needs[len(p.needs) : len(p.needs)+n : len(p.needs)+n]
	p.needs = p.needs[:len(p.needs)+n]
	return s
}

// precKey is the counting-sort key of precedence.
func precKey(r *crule, maxPrio int32) int {
	k := 2 * int(maxPrio-r.prio)
	if r.flags&fAllow == 0 {
		k++
	}
	return k
}

// class is 0 for a float rule and 1 + the second byte of the literal
// prefix for an anchored one.
func class(r *crule) int {
	if r.plen < 2 {
		return 0
	}
	return 1 + int(r.c1)
}

// counts returns n zeroed counters.
func (p *parser) counts(n int) []int32 {
	if cap(p.cnt) < n {
		p.cnt = make([]int32, n)
	}
	c := p.cnt[:n]
	clear(c)
	return c
}

// buildIndex makes the groups of both readings from the records (parsing
// makes only File.Groups), the agent table of the lower-case tokens of
// both readings, and the groups of each reading that apply to each token.
// It runs once, under f.mu.
func (f *File) buildIndex() *index {
	p := f.build
	recs := f.Records
	rb, gb := &p.rb, &p.gb
	if p.cur >= 0 {
		// Parsing counted the RFC reading's groups, agents and rules.
		rb.groups = make([]bgroup, 0, p.cur+1)
		ids := make([]int32, 0, p.nAgents+p.nRules)
		rb.agents, rb.rules = ids[:0:p.nAgents], ids[p.nAgents:p.nAgents]
	}
	for ri := range recs {
		r := &recs[ri]
		switch r.Kind {
		case UserAgent:
			rb.userAgent(r.Line, int32(ri))
		case Allow, Disallow:
			rb.rule(int32(ri))
		}
		switch r.Google {
		case UserAgent:
			gb.userAgent(r.Line, int32(ri))
		case Allow, Disallow:
			gb.rule(int32(ri))
		}
	}

	ix := &index{}
	nAgents := len(rb.agents) + len(gb.agents)
	size := 8
	for size < 2*nAgents {
		size <<= 1
	}
	t := &ix.table
	if nAgents > 0 {
		t.slots = make([]int32, size)
		t.ents = make([]agentEnt, 0, nAgents)
	}
	var lower []byte
	total := 0
	for _, ri := range rb.agents {
		total += len(recs[ri].Value)
	}
	for _, ri := range gb.agents {
		total += len(p.gval(ri))
	}
	lower = make([]byte, 0, total)
	// Pairs of entry and group, in file order, for each reading.
	type pair struct{ ent, group int32 }
	rpairs := make([]pair, 0, len(rb.agents))
	gpairs := make([]pair, 0, len(gb.agents))
	var rglobal, gglobal []int32
	for gi, g := range rb.groups {
		for _, ri := range rb.agents[g.alo:g.ahi] {
			v := recs[ri].Value
			if v == "*" {
				if len(rglobal) == 0 || rglobal[len(rglobal)-1] != int32(gi) {
					rglobal = append(rglobal, int32(gi))
				}
				continue
			}
			lo := len(lower)
			lower = appendLower(lower, v)
			e := t.insert(bytesString(lower[lo:]))
			if ent := &t.ents[e]; ent.rlast != int32(gi) {
				ent.rlast = int32(gi)
				rpairs = append(rpairs, pair{e, int32(gi)})
			}
		}
	}
	for gi, g := range gb.groups {
		for _, ri := range gb.agents[g.alo:g.ahi] {
			v := p.gval(ri)
			if isGoogleGlobal(v) {
				if len(gglobal) == 0 || gglobal[len(gglobal)-1] != int32(gi) {
					gglobal = append(gglobal, int32(gi))
				}
				continue
			}
			lo := len(lower)
			lower = appendLower(lower, googleToken(v))
			e := t.insert(bytesString(lower[lo:]))
			if ent := &t.ents[e]; ent.glast != int32(gi) {
				ent.glast = int32(gi)
				gpairs = append(gpairs, pair{e, int32(gi)})
			}
		}
	}

	// Each entry's groups, per reading: the pairs sorted by entry
	// (stable, so groups stay in file order).
	resolve := func(pairs []pair, google bool) {
		if len(pairs) == 0 {
			return
		}
		cnt := make([]int32, len(t.ents)+1)
		for _, pr := range pairs {
			cnt[pr.ent+1]++
		}
		for i := 1; i <= len(t.ents); i++ {
			cnt[i] += cnt[i-1]
		}
		groups := make([]int32, len(pairs))
		pos := slices.Clone(cnt)
		for _, pr := range pairs {
			groups[pos[pr.ent]] = pr.group
			pos[pr.ent]++
		}
		for e := range t.ents {
			gs := groups[cnt[e]:cnt[e+1]:cnt[e+1]]
			if len(gs) == 0 {
				continue
			}
			if google {
				t.ents[e].ggs, t.ents[e].gscope = gs, ScopeAgent
			} else {
				t.ents[e].rgs, t.ents[e].rscope = gs, ScopeAgent
			}
		}
	}
	resolve(rpairs, false)
	resolve(gpairs, true)
	t.def = agentEnt{id: int32(len(t.ents))}
	if len(rglobal) > 0 {
		t.def.rgs, t.def.rscope = rglobal, ScopeGlobal
	}
	if len(gglobal) > 0 {
		t.def.ggs, t.def.gscope = gglobal, ScopeGlobal
	}
	t.def.gidx = groupInts(t.def.rgs)
	for i := range t.ents {
		e := &t.ents[i]
		if e.rgs == nil {
			e.rgs, e.rscope, e.gidx = t.def.rgs, t.def.rscope, t.def.gidx
		} else {
			e.gidx = groupInts(e.rgs)
		}
		if e.ggs == nil {
			e.ggs, e.gscope = t.def.ggs, t.def.gscope
		}
	}
	ix.comp = make([]atomic.Pointer[agentRules], len(t.ents)+1)

	ix.rsb = &setBuilder{p: p, b: rb, single: make([]*ruleset, len(rb.groups)),
		grules: make([][]int32, len(rb.groups)), done: make([]bool, len(rb.groups))}
	ix.gsb = &setBuilder{p: p, b: gb, single: make([]*ruleset, len(gb.groups)), twin: ix.rsb,
		grules: make([][]int32, len(gb.groups)), done: make([]bool, len(gb.groups))}
	ix.gsb.tgroup = make([]int32, len(gb.groups))
	for i, j := 0, 0; i < len(gb.groups); i++ {
		for j < len(rb.groups) && rb.groups[j].line < gb.groups[i].line {
			j++
		}
		ix.gsb.tgroup[i] = -1
		if j < len(rb.groups) && rb.groups[j].line == gb.groups[i].line {
			ix.gsb.tgroup[i] = int32(j)
		}
	}
	p.rfcOf = fill(make([]int32, len(recs)), -1)
	return ix
}

// groupInts returns gs as ints, or nil.
func groupInts(gs []int32) []int {
	if len(gs) == 0 {
		return nil
	}
	s := make([]int, len(gs))
	for i, g := range gs {
		s[i] = int(g)
	}
	return s
}

// index returns f's index, building it on first use.
func (f *File) index() *index {
	if ix := f.idx.Load(); ix != nil {
		return ix
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if ix := f.idx.Load(); ix != nil {
		return ix
	}
	ix := f.buildIndex()
	f.idx.Store(ix)
	return ix
}

// rulesFor returns the compiled rules of agent, compiling them on the
// first call for the agent's entry. Once they are compiled it takes no
// lock and does not allocate.
func (f *File) rulesFor(agent string) *agentRules {
	ix := f.idx.Load()
	if ix == nil {
		ix = f.index()
	}
	e := ix.table.find(agent)
	if a := ix.comp[e.id].Load(); a != nil {
		return a
	}
	return f.compileEnt(ix, e)
}

// compileEnt compiles the rule sets of entry e and publishes them.
func (f *File) compileEnt(ix *index, e *agentEnt) *agentRules {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := ix.comp[e.id].Load(); a != nil {
		return a
	}
	p := f.build
	a := &agentRules{rscope: e.rscope, gscope: e.gscope}
	a.rfc = ix.rsb.set(e.rgs)
	a.google = ix.gsb.set(e.ggs)
	// Later compilations append to the arenas beyond what a holds, and
	// never change what it holds.
	a.src, a.norm, a.rules = f.src, bytesString(p.norm), p.rules
	ix.comp[e.id].Store(a)
	return a
}

// Compile compiles the rules of the given agents (product tokens, as
// Decide takes them) so that their first decision does not pay for it.
// Without agents it compiles the rules of every agent the file names and
// of the agents it does not name. Decide compiles an agent's rules on its
// first decision anyway; Compile only moves that cost. It is safe for
// concurrent use.
func (f *File) Compile(agents ...string) {
	ix := f.index()
	if len(agents) == 0 {
		for i := range ix.table.ents {
			if ix.comp[i].Load() == nil {
				f.compileEnt(ix, &ix.table.ents[i])
			}
		}
		if ix.comp[ix.table.def.id].Load() == nil {
			f.compileEnt(ix, &ix.table.def)
		}
		return
	}
	for _, agent := range agents {
		f.rulesFor(agent)
	}
}

func fill(s []int32, v int32) []int32 {
	for i := range s {
		s[i] = v
	}
	return s
}

func appendLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

const upperHex = "0123456789ABCDEF"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func toUpperHex(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// needsNorm reports whether s has a percent sign or a non-ASCII octet.
func needsNorm(s string) bool {
	const ones, highs, pct = 0x0101010101010101, 0x8080808080808080, 0x2525252525252525
	n := len(s)
	if n < 8 {
		// The zero padding has neither.
		w := load8Short(s)
		x := w ^ pct
		return (w|(x-ones)&^x)&highs != 0
	}
	// A byte >= 0x80 sets its high bit in w, a '%' byte is a zero byte
	// in x, which sets a high bit in (x-ones)&^x (and maybe bits above
	// it, which does not matter here). The last word may overlap.
	var acc uint64
	for i := 0; i < n-8; i += 8 {
		w := word(s, i)
		x := w ^ pct
		acc |= w | (x-ones)&^x
	}
	w := word(s, n-8)
	x := w ^ pct
	acc |= w | (x-ones)&^x
	return acc&highs != 0
}

// appendRFC appends s normalised as RFC 9309 section 2.2.2 describes:
// non-ASCII octets percent-encoded, encoded unreserved characters decoded,
// other escapes with upper-case hex digits.
func appendRFC(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				dst = append(dst, v)
			} else {
				dst = append(dst, '%', toUpperHex(s[i+1]), toUpperHex(s[i+2]))
			}
			i += 2
		case c >= 0x80:
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// appendGoogle appends s normalised as Google's parser normalises
// patterns: hex digits of escapes upper-cased, non-ASCII octets
// percent-encoded.
func appendGoogle(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, '%', toUpperHex(s[i+1]), toUpperHex(s[i+2]))
			i += 2
		case c >= 0x80:
			b = append(b, '%', upperHex[c>>4], upperHex[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

// bytesString views b as a string without copying; b must not change
// while the string is in use.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
