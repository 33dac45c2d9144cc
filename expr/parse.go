package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLength is the longest expression source Parse accepts, in bytes.
const MaxLength = 4096

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 64

// An Error reports a problem in an expression's source, with the 1-based
// column (in bytes) where it was found.
type Error struct {
	Column int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("expr: column %d: %s", e.Column, e.Msg) }

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tStr
	tName
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset
	num  float64
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tLParen, text: "(", pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, text: ")", pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, text: ",", pos: i})
			i++
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				return nil, &Error{i + 1, "string is not closed: add a closing \""}
			}
			s, err := strconv.Unquote(src[i : j+1])
			if err != nil {
				return nil, &Error{i + 1, "malformed string literal"}
			}
			toks = append(toks, token{kind: tStr, text: s, pos: i})
			i = j + 1
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == '_') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					j = k
					for j < len(src) && src[j] >= '0' && src[j] <= '9' {
						j++
					}
				}
			}
			text := src[i:j]
			n, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
			if err != nil {
				return nil, &Error{i + 1, fmt.Sprintf("malformed number %q", text)}
			}
			toks = append(toks, token{kind: tNum, text: text, pos: i, num: n})
			i = j
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			toks = append(toks, token{kind: tName, text: src[i:j], pos: i})
			i = j
		default:
			for _, op := range []string{"<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/"} {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, token{kind: tOp, text: op, pos: i})
					i += len(op)
					goto next
				}
			}
			{
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, &Error{i + 1, fmt.Sprintf("unexpected character %q", r)}
			}
		next:
		}
	}
	return append(toks, token{kind: tEOF, pos: len(src)}), nil
}

// node kinds
type nodeKind uint8

const (
	nLit nodeKind = iota
	nName
	nCall
	nUnary
	nBinary
)

type node struct {
	kind nodeKind
	pos  int
	op   string // operator, or function name for calls, or name
	val  Value  // literal
	args []*node
	typ  Type // set by check
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tName && t.text == w
}

func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > maxDepth {
		return &Error{pos + 1, "expression nests too deeply"}
	}
	return nil
}

func (p *parser) parseOr() (*node, error) {
	if err := p.enter(p.peek().pos); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		t := p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBinary, pos: t.pos, op: "or", args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseAnd() (*node, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		t := p.next()
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBinary, pos: t.pos, op: "and", args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseNot() (*node, error) {
	if p.isWord("not") {
		t := p.next()
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return &node{kind: nUnary, pos: t.pos, op: "not", args: []*node{x}}, nil
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (*node, error) {
	l, err := p.parseSum()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind == tOp && (t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=" || t.text == "==" || t.text == "!=") {
		p.next()
		r, err := p.parseSum()
		if err != nil {
			return nil, err
		}
		return &node{kind: nBinary, pos: t.pos, op: t.text, args: []*node{l, r}}, nil
	}
	return l, nil
}

func (p *parser) parseSum() (*node, error) {
	l, err := p.parseProduct()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.kind == tOp && (t.text == "+" || t.text == "-"); t = p.peek() {
		p.next()
		r, err := p.parseProduct()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBinary, pos: t.pos, op: t.text, args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseProduct() (*node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for t := p.peek(); t.kind == tOp && (t.text == "*" || t.text == "/"); t = p.peek() {
		p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = &node{kind: nBinary, pos: t.pos, op: t.text, args: []*node{l, r}}
	}
	return l, nil
}

func (p *parser) parseUnary() (*node, error) {
	if t := p.peek(); t.kind == tOp && t.text == "-" {
		p.next()
		if err := p.enter(t.pos); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &node{kind: nUnary, pos: t.pos, op: "-", args: []*node{x}}, nil
	}
	return p.parsePrimary()
}

var keywords = map[string]bool{"and": true, "or": true, "not": true}

func (p *parser) parsePrimary() (*node, error) {
	t := p.next()
	switch t.kind {
	case tNum:
		return &node{kind: nLit, pos: t.pos, val: NumberValue(t.num)}, nil
	case tStr:
		return &node{kind: nLit, pos: t.pos, val: StringValue(t.text)}, nil
	case tLParen:
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, &Error{c.pos + 1, "missing closing parenthesis"}
		}
		return x, nil
	case tName:
		switch t.text {
		case "true":
			return &node{kind: nLit, pos: t.pos, val: BoolValue(true)}, nil
		case "false":
			return &node{kind: nLit, pos: t.pos, val: BoolValue(false)}, nil
		case "null":
			return &node{kind: nLit, pos: t.pos, val: Null}, nil
		}
		if keywords[t.text] {
			return nil, &Error{t.pos + 1, fmt.Sprintf("unexpected %q: an operand must come first", t.text)}
		}
		if p.peek().kind != tLParen {
			return &node{kind: nName, pos: t.pos, op: t.text}, nil
		}
		p.next()
		call := &node{kind: nCall, pos: t.pos, op: t.text}
		if p.peek().kind == tRParen {
			p.next()
			return call, nil
		}
		for {
			a, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			call.args = append(call.args, a)
			c := p.next()
			if c.kind == tRParen {
				return call, nil
			}
			if c.kind != tComma {
				return nil, &Error{c.pos + 1, fmt.Sprintf("expected \",\" or \")\" in the arguments of %s", t.text)}
			}
		}
	case tEOF:
		return nil, &Error{t.pos + 1, "expression ends too early: an operand is missing"}
	}
	return nil, &Error{t.pos + 1, fmt.Sprintf("unexpected %q", t.text)}
}
