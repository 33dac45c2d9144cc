package htmlmeta

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// DefaultMaxBytes is the default number of bytes of a document read: 512 KiB.
const DefaultMaxBytes = 512 << 10

// Config controls extraction. The zero Config reads the head only, with the
// default byte limit.
type Config struct {
	// MaxBytes is the number of bytes of the document read at most; 0
	// means DefaultMaxBytes.
	MaxBytes int64
	// Body makes extraction continue past the end of the head to the end
	// of the document or MaxBytes. JSON-LD blocks and microdata often sit
	// in the body; meta and link elements found there are reported too.
	Body bool
}

// DefaultConfig returns the default configuration: head only, 512 KiB.
func DefaultConfig() Config {
	return Config{MaxBytes: DefaultMaxBytes}
}

// Meta is a <meta> element with a content attribute.
type Meta struct {
	Name      string // name attribute as written, or ""
	Property  string // property attribute (RDFa, Open Graph, EPUB-style tdm:reservation), or ""
	HTTPEquiv string // http-equiv attribute, or ""
	ItemProp  string // itemprop attribute (microdata), or ""
	Content   string // content attribute, entity-decoded
	Line      int    // 1-based line of the element
}

// Link is a <link> element with a rel attribute.
type Link struct {
	Rel   string // rel attribute as written: space-separated link types
	Href  string
	Type  string
	Title string
	Line  int
}

// HasRel reports whether the link's rel attribute contains the link type
// rel, compared case-insensitively.
func (l Link) HasRel(rel string) bool {
	for t := range strings.FieldsSeq(l.Rel) {
		if strings.EqualFold(t, rel) {
			return true
		}
	}
	return false
}

// Access is one schema.org isAccessibleForFree statement.
type Access struct {
	// Value is the value as written: a JSON literal or string, or a
	// microdata value.
	Value string
	// Free is Value read as a boolean; it is meaningful only when Valid.
	Free bool
	// Valid reports that Value is a boolean: true or false in any case,
	// as a JSON boolean or string, or the schema.org URLs True and False.
	Valid bool
	// Format is "json-ld" or "microdata".
	Format string
	// Type is the @type of the JSON-LD object holding the property
	// (several types joined with ","), or "" for microdata.
	Type string
	// Line is the 1-based line of the script element or microdata element.
	Line int
}

// Document is the metadata extracted from an HTML document.
type Document struct {
	Meta  []Meta
	Links []Link
	// Access lists the isAccessibleForFree statements in document order.
	Access []Access
	// Errors lists JSON-LD blocks that could not be parsed; each is an
	// *Error. They do not stop extraction.
	Errors []error
	// HeadEnd reports that the end of the head was reached.
	HeadEnd bool
	// Truncated reports that reading stopped at the byte limit with more
	// of the document left.
	Truncated bool
}

// Content returns the content attributes of the meta elements whose name
// attribute equals name, case-insensitively and ignoring surrounding
// whitespace, in document order.
func (d *Document) Content(name string) []string {
	var out []string
	for _, m := range d.Meta {
		if strings.EqualFold(strings.TrimSpace(m.Name), name) {
			out = append(out, m.Content)
		}
	}
	return out
}

// LinksWithRel returns the links whose rel contains the link type rel.
func (d *Document) LinksWithRel(rel string) []Link {
	var out []Link
	for _, l := range d.Links {
		if l.HasRel(rel) {
			out = append(out, l)
		}
	}
	return out
}

// Error is a problem in a part of a document.
type Error struct {
	Line int
	Msg  string
	Err  error
}

// Error returns a message of the form "htmlmeta: line 12: ...".
func (e *Error) Error() string {
	s := fmt.Sprintf("htmlmeta: line %d: %s", e.Line, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Parse extracts metadata from r with the default configuration.
func Parse(r io.Reader) (*Document, error) {
	return DefaultConfig().Parse(r)
}

// Parse extracts metadata from r. It reads at most c.MaxBytes bytes of the
// document, and one more to tell whether the document was truncated. It
// returns an error only when reading r fails.
func (c Config) Parse(r io.Reader) (*Document, error) {
	limit := c.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	cr := &countReader{r: io.LimitReader(r, limit)}
	z := html.NewTokenizer(cr)
	z.SetMaxBuf(int(min(limit, 1<<30)))
	d := new(Document)
	x := extractor{z: z, d: d, line: 1}
	for {
		tt := z.Next()
		line := x.line
		x.line += bytes.Count(z.Raw(), []byte{'\n'})
		switch tt {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				if cr.n >= limit {
					var one [1]byte
					if n, _ := io.ReadFull(r, one[:]); n > 0 {
						d.Truncated = true
					}
				}
				return d, nil
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				d.Truncated = true
				return d, nil
			}
			return nil, fmt.Errorf("htmlmeta: read: %w", err)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Body && !c.Body {
				d.HeadEnd = true
				return d, nil
			}
			if a == atom.Body {
				d.HeadEnd = true
			}
			if hasAttr {
				x.startTag(a, tt == html.SelfClosingTagToken, line)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if atom.Lookup(name) == atom.Head {
				d.HeadEnd = true
				if !c.Body {
					return d, nil
				}
			}
			x.pending = nil
		case html.TextToken:
			if x.pending != nil {
				x.text(line)
			}
		}
	}
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type extractor struct {
	z    *html.Tokenizer
	d    *Document
	line int

	// pending is set after a start tag whose text content is wanted: a
	// JSON-LD script or a microdata element without a value attribute.
	pending *pendingText
}

type pendingText struct {
	jsonLD bool
	line   int
}

func (x *extractor) startTag(a atom.Atom, selfClosing bool, line int) {
	attrs := map[string]string{}
	for {
		k, v, more := x.z.TagAttr()
		key := string(k)
		if _, dup := attrs[key]; !dup { // the first of duplicate attributes wins, as in HTML
			attrs[key] = string(v)
		}
		if !more {
			break
		}
	}
	x.pending = nil
	switch a {
	case atom.Meta:
		content, ok := attrs["content"]
		if ok {
			x.d.Meta = append(x.d.Meta, Meta{
				Name:      attrs["name"],
				Property:  attrs["property"],
				HTTPEquiv: attrs["http-equiv"],
				ItemProp:  attrs["itemprop"],
				Content:   content,
				Line:      line,
			})
		}
	case atom.Link:
		if rel, ok := attrs["rel"]; ok {
			x.d.Links = append(x.d.Links, Link{Rel: rel, Href: attrs["href"], Type: attrs["type"], Title: attrs["title"], Line: line})
		}
	case atom.Script:
		if t := strings.ToLower(strings.TrimSpace(attrs["type"])); strings.HasPrefix(t, "application/ld+json") && !selfClosing {
			x.pending = &pendingText{jsonLD: true, line: line}
		}
		return
	}
	if ip, ok := attrs["itemprop"]; ok && hasToken(ip, "isAccessibleForFree") {
		for _, k := range []string{"content", "href", "value", "datetime"} {
			if v, ok := attrs[k]; ok {
				x.addAccess(v, "microdata", "", line)
				return
			}
		}
		if !selfClosing && a != atom.Meta && a != atom.Link {
			x.pending = &pendingText{line: line}
		}
	}
}

func hasToken(list, tok string) bool {
	for t := range strings.FieldsSeq(list) {
		if strings.EqualFold(t, tok) {
			return true
		}
	}
	return false
}

func (x *extractor) text(line int) {
	p := x.pending
	x.pending = nil
	txt := x.z.Text()
	if !p.jsonLD {
		x.addAccess(strings.TrimSpace(string(txt)), "microdata", "", p.line)
		return
	}
	x.jsonLD(txt, p.line)
}

// jsonLD reads one JSON-LD script block, leniently: HTML comment and CDATA
// wrappers are removed and several concatenated values are accepted.
func (x *extractor) jsonLD(b []byte, line int) {
	b = bytes.TrimSpace(b)
	for _, w := range [][2]string{{"<!--", "-->"}, {"//<![CDATA[", "//]]>"}, {"<![CDATA[", "]]>"}} {
		if bytes.HasPrefix(b, []byte(w[0])) {
			b = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(b[len(w[0]):]), []byte(w[1])))
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			return
		}
		if err != nil {
			x.d.Errors = append(x.d.Errors, &Error{Line: line, Msg: "invalid JSON-LD", Err: err})
			return
		}
		x.walk(v, line, 0)
	}
}

// walk finds isAccessibleForFree members at any depth (@graph, hasPart,
// arrays).
func (x *extractor) walk(v any, line, depth int) {
	if depth > 64 {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			x.walk(e, line, depth+1)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a stable order for the results
		for _, k := range keys {
			switch k {
			case "isAccessibleForFree", "schema:isAccessibleForFree",
				"http://schema.org/isAccessibleForFree", "https://schema.org/isAccessibleForFree":
				x.addAccess(jsonText(v[k]), "json-ld", typeOf(v["@type"]), line)
				continue
			}
			switch v[k].(type) {
			case []any, map[string]any:
				x.walk(v[k], line, depth+1)
			}
		}
	}
}

func typeOf(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var s []string
		for _, e := range v {
			if t, ok := e.(string); ok {
				s = append(s, t)
			}
		}
		return strings.Join(s, ",")
	}
	return ""
}

func jsonText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		// {"@value": false} or {"@id": "schema:False"}
		for _, k := range []string{"@value", "@id"} {
			if e, ok := v[k]; ok {
				return jsonText(e)
			}
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (x *extractor) addAccess(value, format, typ string, line int) {
	a := Access{Value: value, Format: format, Type: typ, Line: line}
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "true", "http://schema.org/true", "https://schema.org/true", "schema:true":
		a.Free, a.Valid = true, true
	case "false", "http://schema.org/false", "https://schema.org/false", "schema:false":
		a.Valid = true
	}
	x.d.Access = append(x.d.Access, a)
}
