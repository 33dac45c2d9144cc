package screen

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// MaxHTML is the most bytes of HTML that ExtractText reads; the rest of a
// longer page is ignored.
const MaxHTML = 64 << 20

// skipped are the elements whose content is not text a reader sees.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true, atom.Head: true,
}

// blocks are the elements that break a line, so that the words of
// neighbouring blocks do not run together.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Br: true,
	atom.Dd: true, atom.Div: true, atom.Dl: true, atom.Dt: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hr: true, atom.Li: true, atom.Main: true,
	atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true, atom.Table: true,
	atom.Td: true, atom.Th: true, atom.Title: true, atom.Tr: true, atom.Ul: true, atom.Body: true,
	atom.Option: true, atom.Caption: true,
}

// ExtractText returns the visible text of an HTML document read from r,
// crudely: the text of every element except scripts, styles, the head and
// the like, with a line break at each block element. contentType, if not
// empty, is the document's Content-Type header, which may name its
// character set; otherwise the set is sniffed, and UTF-8 assumed. Markup
// errors are not errors; only a failure to read r is.
func ExtractText(r io.Reader, contentType string) (string, error) {
	cr, err := charset.NewReader(io.LimitReader(r, MaxHTML), contentType)
	if err != nil {
		return "", fmt.Errorf("screen: html: %w", err)
	}
	z := html.NewTokenizer(cr)
	var b strings.Builder
	depth := 0 // inside this many skipped elements
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return b.String(), fmt.Errorf("screen: html: %w", err)
			}
			return b.String(), nil
		case html.TextToken:
			if depth == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Body:
				depth = 0 // a head left open ends here
			case skipped[a] && tt == html.StartTagToken:
				depth++
			case skipped[a] && tt == html.EndTagToken && depth > 0:
				depth--
			}
			if blocks[a] && depth == 0 {
				b.WriteByte('\n')
			}
		}
	}
}

// AddHTML adds a work whose text is extracted from the HTML document read
// from r, as by ExtractText.
func (b *Builder) AddHTML(w Work, r io.Reader, contentType string) error {
	text, err := ExtractText(r, contentType)
	if err != nil {
		return err
	}
	return b.Add(w, text)
}
