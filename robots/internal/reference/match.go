package reference

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// bucketMin is the number of rules from which a rule set indexes its rules
// by the second byte of their literal prefix.
const bucketMin = 16

// A crule is a compiled allow or disallow rule.
type crule struct {
	prio    int32 // length of the normalised pattern: the match's priority
	line    int32
	allow   bool
	end     bool // anchored at the end of the path ($)
	derived bool // Google's index.html rule
	prefix  string
	segs    []string // literal pieces after the first '*'; the last one is a suffix if end
	mask    uint64   // a bit for every byte the pattern needs (c & 63)
	raw     string   // the pattern as written
}

func newRule(line int, allow bool, pat, raw string) crule {
	r := crule{prio: int32(len(pat)), line: int32(line), allow: allow, raw: raw}
	p := pat
	end := strings.HasSuffix(p, "$")
	if end {
		p = p[:len(p)-1]
	}
	if i := strings.IndexByte(p, '*'); i < 0 {
		r.prefix = p
	} else {
		r.prefix = p[:i]
		rest := p[i+1:]
		if rest == "" || rest[len(rest)-1] == '*' {
			end = false // "/a*$" is the same as "/a*", which is "/a"
		}
		for _, s := range strings.Split(rest, "*") {
			if s != "" {
				r.segs = append(r.segs, s)
			}
		}
	}
	r.end = end
	for _, s := range r.segs {
		for j := 0; j < len(s); j++ {
			r.mask |= 1 << (s[j] & 63)
		}
	}
	for j := 1; j < len(r.prefix); j++ {
		r.mask |= 1 << (r.prefix[j] & 63)
	}
	return r
}

// match reports whether the rule's pattern matches path. Matching is
// greedy and leftmost for each literal piece, which is exact for patterns
// whose only wildcard is '*', and linear in the length of the path for
// each piece.
func (r *crule) match(path string) bool {
	if len(path) < len(r.prefix) || path[:len(r.prefix)] != r.prefix {
		return false
	}
	rest := path[len(r.prefix):]
	if r.segs == nil {
		return !r.end || rest == ""
	}
	last := len(r.segs) - 1
	for _, s := range r.segs[:last] {
		j := strings.Index(rest, s)
		if j < 0 {
			return false
		}
		rest = rest[j+len(s):]
	}
	if r.end {
		return strings.HasSuffix(rest, r.segs[last])
	}
	return strings.Contains(rest, r.segs[last])
}

// better reports whether a takes precedence over b: a longer pattern, or
// an allow against a disallow of the same length, or the earlier line.
func better(a, b *crule) int {
	if c := cmp.Compare(b.prio, a.prio); c != 0 {
		return c
	}
	if a.allow != b.allow {
		if a.allow {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.line, b.line)
}

// A ruleset is the merged, compiled rules of the groups that apply to one
// agent.
type ruleset struct {
	groupLines []int // line of the first user-agent line of each group
	groupIdx   []int // index of each group in its reading
	float      []crule
	anch       []crule     // rules with a literal prefix of two bytes or more, by prefix[1]
	off        *[257]int32 // anch[off[c]:off[c+1]] have prefix[1] == c
	twin       *ruleset    // the Google rule set that decides like this RFC one
	floatMask  bool        // some float rule has a non-zero mask
}

// class orders the rules of a rule set: the float rules first, then the
// anchored ones by the second byte of their prefix.
func class(r *crule, bucketed bool) int {
	if !bucketed || len(r.prefix) < 2 {
		return -1
	}
	return int(r.prefix[1])
}

// sortRules returns rules sorted for a rule set: by class, then by
// precedence. It sorts indices, which is much cheaper than moving rules.
func sortRules(rules []crule, bucketed bool) []crule {
	idx := make([]int32, len(rules))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		x, y := &rules[a], &rules[b]
		if c := cmp.Compare(class(x, bucketed), class(y, bucketed)); c != 0 {
			return c
		}
		return better(x, y)
	})
	out := make([]crule, len(rules))
	for i, j := range idx {
		out[i] = rules[j]
	}
	return out
}

// newRuleset makes a rule set of rules sorted by sortRules.
func newRuleset(rules []crule, bucketed bool, groupLines, groupIdx []int) *ruleset {
	rs := &ruleset{groupIdx: groupIdx, groupLines: groupLines}
	k := 0
	for k < len(rules) && class(&rules[k], bucketed) < 0 {
		if rules[k].mask != 0 {
			rs.floatMask = true
		}
		k++
	}
	rs.float = rules[:k:k]
	if bucketed {
		rs.anch = rules[k:]
		rs.off = new([257]int32)
		c := 0
		for i := range rs.anch {
			for b := int(rs.anch[i].prefix[1]); c <= b; c++ {
				rs.off[c] = int32(i)
			}
		}
		for ; c <= 256; c++ {
			rs.off[c] = int32(len(rs.anch))
		}
	}
	return rs
}

func pathMask(path string) uint64 {
	var m uint64
	for i := 0; i < len(path); i++ {
		m |= 1 << (path[i] & 63)
	}
	return m
}

// eval returns the rule that decides path, or nil when no rule matches.
func (rs *ruleset) eval(path string) *crule {
	var best *crule
	if rs.off != nil && len(path) >= 2 {
		c := path[1]
		bucket := rs.anch[rs.off[c]:rs.off[int(c)+1]]
		for i := range bucket {
			if bucket[i].match(path) {
				best = &bucket[i]
				break
			}
		}
	}
	if len(rs.float) == 0 {
		return best
	}
	var m uint64
	if rs.floatMask {
		m = pathMask(path)
	}
	for i := range rs.float {
		r := &rs.float[i]
		if best != nil && better(r, best) >= 0 {
			break
		}
		if r.mask&^m != 0 {
			continue
		}
		if r.match(path) {
			return r
		}
	}
	return best
}

func sameRuleList(a, b []crule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.line != y.line || x.allow != y.allow || x.derived != y.derived || x.prio != y.prio ||
			x.end != y.end || x.prefix != y.prefix || !slices.Equal(x.segs, y.segs) {
			return false
		}
	}
	return true
}

func sameRules(a, b *ruleset) bool {
	return slices.Equal(a.groupLines, b.groupLines) && sameRuleList(a.float, b.float) &&
		sameRuleList(a.anch, b.anch)
}

// A bgroup is a group being built: its agents are agents[alo:ahi] and its
// rules raws[lo:hi] of its builder.
type bgroup struct {
	line     int
	alo, ahi int
	lo, hi   int
}

// A rawRule is an allow or disallow line of a group.
type rawRule struct {
	line  int32
	allow bool
	val   string
}

// A builder groups the records of one reading.
type builder struct {
	google  bool
	groups  []bgroup
	agents  []string
	raws    []rawRule
	cur     int
	hasRule bool
}

func newBuilder(google bool) builder {
	return builder{google: google, cur: -1}
}

func (b *builder) userAgent(n int, v string) {
	if b.cur < 0 || b.hasRule {
		b.groups = append(b.groups, bgroup{line: n, alo: len(b.agents), lo: len(b.raws)})
		b.cur = len(b.groups) - 1
		b.hasRule = false
	}
	b.agents = append(b.agents, v)
	b.groups[b.cur].ahi = len(b.agents)
	b.groups[b.cur].hi = len(b.raws)
}

// rule adds a rule to the current group; it reports false if there is none.
func (b *builder) rule(n int, k Kind, v string) bool {
	if b.cur < 0 {
		return false
	}
	b.hasRule = true
	b.raws = append(b.raws, rawRule{line: int32(n), allow: k == Allow, val: v})
	b.groups[b.cur].hi = len(b.raws)
	return true
}

// publicGroups returns the groups of the RFC reading.
func (b *builder) publicGroups() []Group {
	if len(b.groups) == 0 {
		return nil
	}
	rules := make([]Rule, len(b.raws))
	for i, r := range b.raws {
		rules[i] = Rule{Line: int(r.line), Kind: Disallow, Pattern: r.val}
		if r.allow {
			rules[i].Kind = Allow
		}
	}
	gs := make([]Group, len(b.groups))
	for i, g := range b.groups {
		gs[i] = Group{Line: g.line, Agents: b.agents[g.alo:g.ahi:g.ahi], Rules: rules[g.lo:g.hi:g.hi]}
	}
	return gs
}

// A reading is one profile's compiled view of a file.
type reading struct {
	agents map[string]*ruleset // by lower-case token
	keys   []string
	global *ruleset            // nil when no group is for "*"
	bySet  map[string]*ruleset // by the lines of its groups
}

func (b *builder) compile() reading {
	// Compile the rules, group by group, so that each group's compiled
	// rules are contiguous and sorted: a rule set for one group uses them
	// in place.
	most := 0
	for _, g := range b.groups {
		most = max(most, g.hi-g.lo)
	}
	all := make([]crule, 0, 2*most) // reused for each group; derived rules may double it
	sorted := make([][]crule, len(b.groups))
	for gi, g := range b.groups {
		all = all[:0]
		lo := 0
		for _, r := range b.raws[g.lo:g.hi] {
			if r.val == "" {
				continue
			}
			if !b.google {
				all = append(all, newRule(int(r.line), r.allow, normRFC(r.val), r.val))
				continue
			}
			p := normGoogle(r.val)
			all = append(all, newRule(int(r.line), r.allow, p, r.val))
			if r.allow {
				// Google's index.html rule: Allow: /d/index.html also
				// allows /d/.
				if i := strings.LastIndexByte(p, '/'); i >= 0 && strings.HasPrefix(p[i:], "/index.htm") {
					d := newRule(int(r.line), true, p[:i+1]+"$", r.val)
					d.derived = true
					all = append(all, d)
				}
			}
		}
		sorted[gi] = sortRules(all[lo:], len(all)-lo >= bucketMin)
	}

	// Lower-case tokens, held in one string.
	var lower []byte
	type tokRef struct{ lo, hi, group int }
	var refs []tokRef
	var global []int
	for gi, g := range b.groups {
		for _, v := range b.agents[g.alo:g.ahi] {
			if b.google && isGoogleGlobal(v) || !b.google && v == "*" {
				if len(global) == 0 || global[len(global)-1] != gi {
					global = append(global, gi)
				}
				continue
			}
			if b.google {
				v = googleToken(v)
			}
			lo := len(lower)
			for i := 0; i < len(v); i++ {
				c := v[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				lower = append(lower, c)
			}
			refs = append(refs, tokRef{lo, len(lower), gi})
		}
	}
	arena := string(lower)
	groupsOf := make(map[string][]int, len(refs))
	var order []string
	for _, r := range refs {
		tok := arena[r.lo:r.hi]
		idx, seen := groupsOf[tok]
		if !seen {
			order = append(order, tok)
		}
		if len(idx) == 0 || idx[len(idx)-1] != r.group {
			groupsOf[tok] = append(idx, r.group)
		}
	}

	rd := reading{agents: make(map[string]*ruleset, len(order)), bySet: make(map[string]*ruleset, len(b.groups)+1)}
	lines := make([]int, len(b.groups))
	idxs := make([]int, len(b.groups))
	for i, g := range b.groups {
		lines[i] = g.line
		idxs[i] = i
	}
	var key []byte
	get := func(idx []int) *ruleset {
		key = key[:0]
		for _, i := range idx {
			key = strconv.AppendInt(key, int64(b.groups[i].line), 10)
			key = append(key, ',')
		}
		if rs, ok := rd.bySet[string(key)]; ok {
			return rs
		}
		var rs *ruleset
		if len(idx) == 1 {
			i := idx[0]
			rs = newRuleset(sorted[i], len(sorted[i]) >= bucketMin, lines[i:i+1:i+1], idxs[i:i+1:i+1])
		} else {
			var rules []crule
			gl := make([]int, len(idx))
			for k, i := range idx {
				rules = append(rules, sorted[i]...)
				gl[k] = lines[i]
			}
			rules = sortRules(rules, len(rules) >= bucketMin)
			rs = newRuleset(rules, len(rules) >= bucketMin, gl, idx)
		}
		rd.bySet[string(key)] = rs
		return rs
	}
	for _, tok := range order {
		rd.agents[tok] = get(groupsOf[tok])
	}
	rd.keys = order
	if len(global) > 0 {
		rd.global = get(global)
	}
	return rd
}

// linkTwins records, for each RFC rule set, the Google rule set with the
// same groups and the same compiled rules, so that Strict decisions can
// evaluate such pairs once.
func linkTwins(rfc, google *reading) {
	for k, rs := range rfc.bySet {
		if g, ok := google.bySet[k]; ok && sameRules(rs, g) {
			rs.twin = g
		}
	}
}

// lookup returns the rule set for agent and the scope it applies under.
func (rd *reading) lookup(agent string) (*ruleset, Scope) {
	var buf [64]byte
	if len(agent) <= len(buf) {
		b := buf[:len(agent)]
		for i := 0; i < len(agent); i++ {
			c := agent[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		if rs, ok := rd.agents[string(b)]; ok {
			return rs, ScopeAgent
		}
	} else {
		for _, k := range rd.keys {
			if equalFoldASCII(k, agent) {
				return rd.agents[k], ScopeAgent
			}
		}
	}
	if rd.global != nil {
		return rd.global, ScopeGlobal
	}
	return nil, ScopeNone
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
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '%' || c >= 0x80 {
			return true
		}
	}
	return false
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

func normRFC(s string) string {
	if !needsNorm(s) {
		return s
	}
	return string(appendRFC(make([]byte, 0, len(s)+16), s))
}

// normGoogle normalises a pattern as Google's parser does: hex digits of
// escapes upper-cased, non-ASCII octets percent-encoded.
func normGoogle(s string) string {
	if !needsNorm(s) {
		return s
	}
	b := make([]byte, 0, len(s)+16)
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
	return string(b)
}

// bytesString views b as a string without copying; b must not change
// while the string is in use.
func bytesString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
