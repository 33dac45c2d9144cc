package crawl

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/gpai-project/gpai/htmlmeta"
)

// maxLinks bounds the links taken from one page.
const maxLinks = 5000

// links returns the absolute http and https URLs that the HTML page body
// links to with <a> and <area> elements, resolved against its <base> or
// its URL, without fragments and without the links marked rel=nofollow.
func links(body []byte, pageURL *url.URL) []string {
	z := html.NewTokenizer(bytes.NewReader(body))
	base := pageURL
	seen := map[string]bool{}
	var out []string
	for len(out) < maxLinks {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		if a != atom.A && a != atom.Area && a != atom.Base || !hasAttr {
			continue
		}
		var href, rel string
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch string(k) {
			case "href":
				href = string(v)
			case "rel":
				rel = string(v)
			}
		}
		href = strings.TrimSpace(href)
		if href == "" {
			continue
		}
		ref, err := url.Parse(href)
		if err != nil {
			continue
		}
		if a == atom.Base {
			if b := pageURL.ResolveReference(ref); b.Scheme == "http" || b.Scheme == "https" {
				base = b
			}
			continue
		}
		if hasToken(rel, "nofollow") {
			continue
		}
		u := base.ResolveReference(ref)
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		u.Fragment, u.RawFragment = "", ""
		if s := u.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// nofollow reports whether the page asks that its links not be followed,
// by X-Robots-Tag or a robots meta element, for every crawler or for one
// of tokens.
func nofollow(h http.Header, doc *htmlmeta.Document, tokens []string) bool {
	applies := func(name string) bool {
		if name == "" || strings.EqualFold(name, "robots") {
			return true
		}
		for _, t := range tokens {
			if strings.EqualFold(name, t) {
				return true
			}
		}
		return false
	}
	for _, v := range h.Values("X-Robots-Tag") {
		agent := ""
		if i := strings.IndexByte(v, ':'); i > 0 && !strings.ContainsAny(v[:i], ", ") {
			agent, v = strings.TrimSpace(v[:i]), v[i+1:]
		}
		if applies(agent) && (hasDirective(v, "nofollow") || hasDirective(v, "none")) {
			return true
		}
	}
	if doc != nil {
		for _, m := range doc.Meta {
			if m.Name != "" && applies(strings.TrimSpace(m.Name)) && (hasDirective(m.Content, "nofollow") || hasDirective(m.Content, "none")) {
				return true
			}
		}
	}
	return false
}

func hasDirective(list, d string) bool {
	for _, f := range strings.Split(list, ",") {
		if strings.EqualFold(strings.TrimSpace(f), d) {
			return true
		}
	}
	return false
}

func hasToken(list, t string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, t) {
			return true
		}
	}
	return false
}
