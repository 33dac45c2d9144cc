package optout

import (
	"strconv"

	"github.com/gpai-project/gpai/aipref"
	"github.com/gpai-project/gpai/robots"
)

// text locates the Detail, Rule and Value of one evidence in decider.buf;
// a span that ends at 0 is not in buf, and the field keeps its value.
type text struct{ detail, rule, value span }

type span struct{ start, end int }

// maxPooled bounds the scratch space a decider keeps between decisions.
const maxPooled = 64 << 10

// add appends e and returns where its texts will be; the pointer is valid
// until the next call.
func (d *decider) add(e Evidence) *text {
	d.ev = append(d.ev, e)
	d.text = append(d.text, text{})
	return &d.text[len(d.text)-1]
}

// since returns the span of buf written since start.
func (d *decider) since(start int) span { return span{start, len(d.buf)} }

// str appends s to buf.
func (d *decider) str(s ...string) {
	for _, s := range s {
		d.buf = append(d.buf, s...)
	}
}

func (d *decider) int(n int) { d.buf = strconv.AppendInt(d.buf, int64(n), 10) }

func (d *decider) quote(s string) { d.buf = appendQuote(d.buf, s) }

// takeDetail removes the Detail of evidence i from buf and returns it (in
// scratch space valid until the next call), or nil when it is not in buf.
func (d *decider) takeDetail(i int) []byte {
	sp := d.text[i].detail
	if sp.end == 0 {
		return nil
	}
	d.moved = append(d.moved[:0], d.buf[sp.start:sp.end]...)
	n := sp.end - sp.start
	copy(d.buf[sp.start:], d.buf[sp.end:])
	d.buf = d.buf[:len(d.buf)-n]
	shift := func(s *span) {
		if s.start >= sp.end {
			s.start, s.end = s.start-n, s.end-n
		}
	}
	for j := range d.text {
		t := &d.text[j]
		shift(&t.detail)
		shift(&t.rule)
		shift(&t.value)
	}
	d.text[i].detail = span{}
	return d.moved
}

// prefTexts holds the Rule and Detail of the usual Content-Usage header
// evidence, a label of the vocabulary with the Token y or n, for every
// purpose, as appendPrefText writes them.
type prefTexts [5][2][2]ruleDetail // purpose, label, y or n

type ruleDetail struct{ rule, detail string }

var headerTexts = newPrefTexts()

func newPrefTexts() *prefTexts {
	var t prefTexts
	for p := range t {
		for l, label := range [...]string{aipref.TrainAI, aipref.Search} {
			for v, value := range [...]string{"y", "n"} {
				a := aipref.Evidence{Source: aipref.SourceHeader, Key: label, Value: value, Preference: aipref.Allow}
				if value == "n" {
					a.Preference = aipref.Disallow
				}
				b, mid := appendPrefText(nil, a, aipref.Purpose(p))
				t[p][l][v].rule, t[p][l][v].detail = string(b[:mid]), string(b[mid:])
			}
		}
	}
	return &t
}

// lookup returns the texts for a, if they are kept.
func (t *prefTexts) lookup(a aipref.Evidence, p aipref.Purpose) (ruleDetail, bool) {
	var zero ruleDetail
	if a.Source != aipref.SourceHeader || a.Path != "" || p < 0 || int(p) >= len(t) {
		return zero, false
	}
	l, v := 0, 0
	switch a.Key {
	case aipref.TrainAI:
	case aipref.Search:
		l = 1
	default:
		return zero, false
	}
	switch {
	case a.Value == "y" && a.Preference == aipref.Allow:
	case a.Value == "n" && a.Preference == aipref.Disallow:
		v = 1
	default:
		return zero, false
	}
	return t[p][l][v], true
}

// appendPrefText appends the Rule and then the Detail of the evidence of
// a for purpose to b; mid is where the Detail starts.
func appendPrefText(b []byte, a aipref.Evidence, purpose aipref.Purpose) (_ []byte, mid int) {
	start := len(b)
	if a.Path != "" {
		b = append(b, a.Path...)
		b = append(b, ' ')
	}
	b = append(b, a.Key...)
	b = append(b, '=')
	b = append(b, a.Value...)
	mid = len(b)
	switch a.Source {
	case aipref.SourceHeader:
		b = append(b, "the Content-Usage header field"...)
	case aipref.SourceRobots:
		b = append(b, "the robots.txt Content-Usage rule on line "...)
		b = strconv.AppendInt(b, int64(a.Line), 10)
	case aipref.SourceContentSignal:
		b = append(b, "the robots.txt Content-Signal line "...)
		b = strconv.AppendInt(b, int64(a.Line), 10)
	}
	b = append(b, " states "...)
	b = append(b, b[start:mid]...)
	switch a.Preference {
	case aipref.Disallow:
		b = append(b, ", a reservation for "...)
		b = append(b, purpose.String()...)
	case aipref.Allow:
		b = append(b, ", a permission for "...)
		b = append(b, purpose.String()...)
	default:
		b = append(b, ", a value that expresses no preference"...)
	}
	return b, mid
}

// appendDecision appends d.String() to b without allocating. It must
// follow robots.Decision.String exactly; TestAppendDecision and the
// comparison with internal/reference check that it does.
func appendDecision(b []byte, d robots.Decision) []byte {
	if d.Allowed {
		b = append(b, "allowed"...)
	} else {
		b = append(b, "disallowed"...)
	}
	b = append(b, " ("...)
	b = append(b, d.Profile.String()...)
	b = append(b, "): "...)
	switch {
	case d.Implicit:
		return append(b, "/robots.txt is always allowed"...)
	case d.Rule.Line != 0:
		k := "Allow: "
		if d.Rule.Kind == robots.Disallow {
			k = "Disallow: "
		}
		b = append(b, "line "...)
		b = strconv.AppendInt(b, int64(d.Rule.Line), 10)
		b = append(b, ' ')
		// strconv.Quote(k + pattern): k is printable ASCII, so it is the
		// quoted pattern with k after the opening quote.
		at := len(b)
		b = appendQuote(b, d.Rule.Pattern)
		b = append(b, k...)
		copy(b[at+1+len(k):], b[at+1:len(b)-len(k)])
		copy(b[at+1:], k)
		if d.IndexRule {
			b = append(b, " (index.html rule)"...)
		}
	case d.Scope == robots.ScopeNone:
		return append(b, "no group applies"...)
	default:
		b = append(b, "no rule matches"...)
	}
	if d.Scope == robots.ScopeGlobal {
		b = append(b, " in * group"...)
	} else {
		b = append(b, " in group"...)
	}
	if len(d.Groups) > 1 {
		b = append(b, 's')
	}
	b = append(b, " at line"...)
	for i, l := range d.Groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(l), 10)
	}
	return b
}

// appendQuote appends strconv.Quote(s) to b. The usual text, printable
// ASCII without quotes or backslashes, is copied between quotes as it is.
func appendQuote(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
