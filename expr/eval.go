package expr

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// An Expr is a parsed expression. It is safe for concurrent evaluation.
type Expr struct {
	src  string
	root *node
	typ  Type
}

// Parse parses src. Errors are *Error values with the column of the fault.
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLength {
		return nil, &Error{1, fmt.Sprintf("expression is %d bytes long; the limit is %d", len(src), MaxLength)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, &Error{1, "expression is empty"}
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.pos + 1, fmt.Sprintf("unexpected %q after a complete expression (missing \"and\" or \"or\"?)", t.text)}
	}
	return &Expr{src: src, root: root}, nil
}

// MustParse is like Parse but panics on error. It is meant for
// expressions written in Go source, which tests cover.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

// String returns the expression's source.
func (e *Expr) String() string { return e.src }

// Type returns the type Check inferred, or Any before Check.
func (e *Expr) Type() Type { return e.typ }

// Names returns the distinct names the expression refers to, sorted.
func (e *Expr) Names() []string {
	seen := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if n.kind == nName {
			seen[n.op] = true
		}
		for _, a := range n.args {
			walk(a)
		}
	}
	walk(e.root)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Check type-checks the expression against the types of the names it may
// use and returns its type. An unknown name is an error that suggests the
// nearest known one.
func (e *Expr) Check(names map[string]Type) (Type, error) {
	t, err := check(e.root, names)
	if err != nil {
		return Any, err
	}
	e.typ = t
	return t, nil
}

func compatible(got, want Type) bool { return got == want || got == Any }

func check(n *node, names map[string]Type) (Type, error) {
	errf := func(format string, args ...any) error {
		return &Error{n.pos + 1, fmt.Sprintf(format, args...)}
	}
	switch n.kind {
	case nLit:
		n.typ = n.val.Type
		return n.typ, nil
	case nName:
		t, ok := names[n.op]
		if !ok {
			if s := Suggest(n.op, keysOf(names)); s != "" {
				return Any, errf("unknown name %q (did you mean %q?)", n.op, s)
			}
			return Any, errf("unknown name %q", n.op)
		}
		n.typ = t
		return t, nil
	case nUnary:
		t, err := check(n.args[0], names)
		if err != nil {
			return Any, err
		}
		switch n.op {
		case "not":
			if !compatible(t, Bool) {
				return Any, errf("\"not\" needs a bool, not a %s", t)
			}
			n.typ = Bool
		case "-":
			if t != Number && t != Duration && t != Any {
				return Any, errf("\"-\" needs a number or a duration, not a %s", t)
			}
			n.typ = t
		}
		return n.typ, nil
	case nBinary:
		l, err := check(n.args[0], names)
		if err != nil {
			return Any, err
		}
		r, err := check(n.args[1], names)
		if err != nil {
			return Any, err
		}
		switch n.op {
		case "and", "or":
			if !compatible(l, Bool) || !compatible(r, Bool) {
				return Any, errf("%q joins bools, not %s and %s", n.op, l, r)
			}
			n.typ = Bool
		case "<", "<=", ">", ">=":
			if l != r && l != Any && r != Any || l != Number && l != Date && l != Any || r != Number && r != Date && r != Any {
				return Any, errf("%q compares two numbers or two dates, not %s and %s", n.op, l, r)
			}
			n.typ = Bool
		case "==", "!=":
			if l != r && l != Any && r != Any {
				return Any, errf("%q compares values of one type, not %s and %s", n.op, l, r)
			}
			n.typ = Bool
		case "+":
			switch {
			case (l == Number || l == Any) && (r == Number || r == Any) && (l != Any || r != Any):
				n.typ = Number
			case l == Date && (r == Duration || r == Any), l == Duration && r == Date, l == Any && r == Duration:
				n.typ = Date
			case l == Duration && r == Duration:
				n.typ = Duration
			default:
				return Any, errf("cannot add %s and %s", l, r)
			}
		case "-":
			switch {
			case (l == Number || l == Any) && (r == Number || r == Any):
				n.typ = Number
			case l == Date && r == Duration:
				n.typ = Date
			case l == Date && r == Date:
				n.typ = Number // days between
			default:
				return Any, errf("cannot subtract %s from %s", r, l)
			}
		case "*", "/":
			if !compatible(l, Number) || !compatible(r, Number) {
				return Any, errf("%q needs numbers, not %s and %s", n.op, l, r)
			}
			n.typ = Number
		}
		return n.typ, nil
	case nCall:
		var ts []Type
		for _, a := range n.args {
			t, err := check(a, names)
			if err != nil {
				return Any, err
			}
			ts = append(ts, t)
		}
		arity := func(k int) error {
			if len(ts) != k {
				return errf("%s takes %d argument(s), not %d", n.op, k, len(ts))
			}
			return nil
		}
		switch n.op {
		case "date":
			if err := arity(1); err != nil {
				return Any, err
			}
			a := n.args[0]
			if a.kind != nLit || a.val.Type != String {
				return Any, errf("date takes a string literal such as date(\"2025-08-02\")")
			}
			t, err := time.Parse(time.DateOnly, a.val.s)
			if err != nil {
				return Any, errf("date(%q) is not a date of the form YYYY-MM-DD", a.val.s)
			}
			// Fold the literal so evaluation costs nothing.
			*n = node{kind: nLit, pos: n.pos, val: DateValue(t)}
			n.typ = Date
		case "days", "weeks", "months", "years", "business_days":
			if err := arity(1); err != nil {
				return Any, err
			}
			if !compatible(ts[0], Number) {
				return Any, errf("%s takes a number, not a %s", n.op, ts[0])
			}
			n.typ = Duration
		case "known":
			if err := arity(1); err != nil {
				return Any, err
			}
			n.typ = Bool
		case "file":
			if err := arity(1); err != nil {
				return Any, err
			}
			if ts[0] != String {
				return Any, errf("file takes a file name in quotes")
			}
			n.typ = Bool
		case "if":
			if err := arity(3); err != nil {
				return Any, err
			}
			if !compatible(ts[0], Bool) {
				return Any, errf("if's first argument must be a bool, not a %s", ts[0])
			}
			switch {
			case ts[1] == Any:
				n.typ = ts[2]
			case ts[2] == Any || ts[1] == ts[2]:
				n.typ = ts[1]
			default:
				return Any, errf("if's branches differ in type: %s and %s", ts[1], ts[2])
			}
		case "max", "min", "coalesce":
			if len(ts) == 0 {
				return Any, errf("%s takes at least one argument", n.op)
			}
			t := Any
			for _, a := range ts {
				if a == Any {
					continue
				}
				if t != Any && a != t {
					return Any, errf("%s's arguments differ in type: %s and %s", n.op, t, a)
				}
				t = a
			}
			if n.op != "coalesce" && t != Number && t != Date && t != Any {
				return Any, errf("%s takes numbers or dates, not %s", n.op, t)
			}
			n.typ = t
		default:
			fns := []string{"date", "days", "weeks", "months", "years", "business_days", "known", "file", "if", "max", "min", "coalesce"}
			if s := Suggest(n.op, fns); s != "" {
				return Any, errf("unknown function %q (did you mean %q?)", n.op, s)
			}
			return Any, errf("unknown function %q", n.op)
		}
		return n.typ, nil
	}
	return Any, errf("internal: unknown node")
}

func keysOf(m map[string]Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// An Env supplies the values of names and the dossier's files during
// evaluation. A name missing from Vars evaluates to null.
type Env struct {
	Vars  map[string]Value
	Files map[string]bool
}

// Eval evaluates the expression in env. Call Check first: Eval assumes a
// well-typed expression and yields null where types do not fit.
func (e *Expr) Eval(env *Env) Value { return eval(e.root, env) }

func eval(n *node, env *Env) Value {
	switch n.kind {
	case nLit:
		return n.val
	case nName:
		if env == nil {
			return Null
		}
		return env.Vars[n.op]
	case nUnary:
		x := eval(n.args[0], env)
		switch n.op {
		case "not":
			if b, ok := x.Bool(); ok {
				return BoolValue(!b)
			}
		case "-":
			if f, ok := x.Number(); ok {
				return NumberValue(-f)
			}
			if s, ok := x.Span(); ok {
				return SpanValue(s.neg())
			}
		}
		return Null
	case nBinary:
		switch n.op {
		case "and":
			l := eval(n.args[0], env)
			if b, ok := l.Bool(); ok && !b {
				return BoolValue(false)
			}
			r := eval(n.args[1], env)
			if b, ok := r.Bool(); ok && !b {
				return BoolValue(false)
			}
			if l.IsNull() || r.IsNull() {
				return Null
			}
			return BoolValue(true)
		case "or":
			l := eval(n.args[0], env)
			if b, ok := l.Bool(); ok && b {
				return BoolValue(true)
			}
			r := eval(n.args[1], env)
			if b, ok := r.Bool(); ok && b {
				return BoolValue(true)
			}
			if l.IsNull() || r.IsNull() {
				return Null
			}
			return BoolValue(false)
		}
		l, r := eval(n.args[0], env), eval(n.args[1], env)
		if l.IsNull() || r.IsNull() {
			return Null
		}
		return binary(n.op, l, r)
	case nCall:
		return call(n, env)
	}
	return Null
}

func binary(op string, l, r Value) Value {
	switch op {
	case "==", "!=":
		eq := l.Type == r.Type
		if eq {
			switch l.Type {
			case Bool:
				eq = l.b == r.b
			case Number:
				eq = l.n == r.n
			case Date:
				eq = l.t.Equal(r.t)
			case Duration:
				eq = l.span == r.span
			case String:
				eq = l.s == r.s
			}
		}
		return BoolValue(eq == (op == "=="))
	case "<", "<=", ">", ">=":
		var c int
		switch {
		case l.Type == Number && r.Type == Number:
			c = cmpFloat(l.n, r.n)
		case l.Type == Date && r.Type == Date:
			c = l.t.Compare(r.t)
		default:
			return Null
		}
		switch op {
		case "<":
			return BoolValue(c < 0)
		case "<=":
			return BoolValue(c <= 0)
		case ">":
			return BoolValue(c > 0)
		}
		return BoolValue(c >= 0)
	case "+":
		switch {
		case l.Type == Number && r.Type == Number:
			return NumberValue(l.n + r.n)
		case l.Type == Date && r.Type == Duration:
			return DateValue(r.span.AddTo(l.t))
		case l.Type == Duration && r.Type == Date:
			return DateValue(l.span.AddTo(r.t))
		case l.Type == Duration && r.Type == Duration:
			return SpanValue(Span{l.span.Years + r.span.Years, l.span.Months + r.span.Months, l.span.Days + r.span.Days, l.span.BusinessDays + r.span.BusinessDays})
		}
	case "-":
		switch {
		case l.Type == Number && r.Type == Number:
			return NumberValue(l.n - r.n)
		case l.Type == Date && r.Type == Duration:
			return DateValue(r.span.neg().AddTo(l.t))
		case l.Type == Date && r.Type == Date:
			return NumberValue(math.Round(l.t.Sub(r.t).Hours() / 24))
		}
	case "*":
		if l.Type == Number && r.Type == Number {
			return NumberValue(l.n * r.n)
		}
	case "/":
		if l.Type == Number && r.Type == Number && r.n != 0 {
			return NumberValue(l.n / r.n)
		}
	}
	return Null
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func call(n *node, env *Env) Value {
	arg := func(i int) Value { return eval(n.args[i], env) }
	switch n.op {
	case "days", "weeks", "months", "years", "business_days":
		f, ok := arg(0).Number()
		if !ok || f != math.Trunc(f) || math.Abs(f) > 1e6 {
			return Null
		}
		k := int(f)
		switch n.op {
		case "days":
			return SpanValue(Span{Days: k})
		case "weeks":
			return SpanValue(Span{Days: 7 * k})
		case "months":
			return SpanValue(Span{Months: k})
		case "years":
			return SpanValue(Span{Years: k})
		}
		return SpanValue(Span{BusinessDays: k})
	case "known":
		return BoolValue(!arg(0).IsNull())
	case "file":
		s, _ := arg(0).Str()
		return BoolValue(env != nil && env.Files[s])
	case "if":
		c, ok := arg(0).Bool()
		switch {
		case !ok:
			return Null
		case c:
			return arg(1)
		}
		return arg(2)
	case "coalesce":
		for i := range n.args {
			if v := arg(i); !v.IsNull() {
				return v
			}
		}
		return Null
	case "max", "min":
		var best Value
		for i := range n.args {
			v := arg(i)
			if v.IsNull() {
				return Null
			}
			if i == 0 {
				best = v
				continue
			}
			b := binary(">", v, best)
			if n.op == "min" {
				b = binary("<", v, best)
			}
			if x, _ := b.Bool(); x {
				best = v
			}
		}
		return best
	}
	return Null
}

// Suggest returns the candidate nearest to s by edit distance when it is
// close enough to be a likely typo, or "".
func Suggest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+2
	for _, c := range candidates {
		if d := distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
