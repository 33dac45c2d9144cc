package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Limits of the sitemaps protocol (sitemaps.org): a sitemap lists at most
// 50,000 URLs and is at most 50 MiB uncompressed.
const (
	MaxSitemapURLs  = 50000
	MaxSitemapBytes = 50 << 20
)

// Sitemap is what a sitemap file lists.
type Sitemap struct {
	// Index reports that the file is a sitemap index: URLs are sitemaps.
	Index bool
	// URLs are the absolute http and https URLs listed, in order, without
	// duplicates.
	URLs []string
	// Skipped is the number of entries ignored: not absolute http or https
	// URLs, or past MaxSitemapURLs.
	Skipped int
	// Truncated reports that the file was longer than MaxSitemapBytes.
	Truncated bool
}

// ErrSitemap is wrapped by the errors for files that are not sitemaps.
var ErrSitemap = errors.New("not a sitemap")

// ParseSitemap reads a sitemap (the sitemaps.org XML urlset), a sitemap
// index (sitemapindex) or a plain text sitemap (one URL per line), gzip
// compressed or not, as detected from its first bytes. Relative URLs are
// resolved against base, which may be nil. It is lenient: it reads the
// <loc> elements of <url> and <sitemap> whatever their namespace, ignores
// entries that are not absolute http or https URLs, and keeps what it read
// before a syntax error, which it returns alongside.
func ParseSitemap(r io.Reader, base *url.URL) (*Sitemap, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("crawl: sitemap: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	lr := &io.LimitedReader{R: br, N: MaxSitemapBytes + 1}
	sm := &Sitemap{}
	seen := map[string]bool{}
	add := func(loc string) {
		loc = strings.TrimSpace(loc)
		if loc == "" {
			return
		}
		u, err := url.Parse(loc)
		if err == nil && base != nil {
			u = base.ResolveReference(u)
		}
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(sm.URLs) >= MaxSitemapURLs {
			sm.Skipped++
			return
		}
		u.Fragment, u.RawFragment = "", ""
		s := u.String()
		if !seen[s] {
			seen[s] = true
			sm.URLs = append(sm.URLs, s)
		}
	}
	head := bufio.NewReader(lr)
	first, _ := head.Peek(512)
	if !bytes.Contains(first, []byte("<")) {
		err := textSitemap(head, add)
		sm.Truncated = lr.N <= 0
		return sm, err
	}
	err := xmlSitemap(head, sm, add)
	sm.Truncated = lr.N <= 0
	return sm, err
}

// textSitemap reads one URL per line.
func textSitemap(r *bufio.Reader, add func(string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		add(sc.Text())
	}
	if err := sc.Err(); err != nil && !errors.Is(err, bufio.ErrTooLong) {
		return fmt.Errorf("crawl: sitemap: %w", err)
	}
	return nil
}

// xmlSitemap reads the <loc> of every <url> or <sitemap> element.
func xmlSitemap(r io.Reader, sm *Sitemap, add func(string)) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	var stack []string
	var loc strings.Builder
	inLoc := false
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if root == "" {
				return fmt.Errorf("crawl: sitemap: %w: %v", ErrSitemap, err)
			}
			return fmt.Errorf("crawl: sitemap: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root == "" {
				root = name
				if name != "urlset" && name != "sitemapindex" {
					return fmt.Errorf("crawl: sitemap: %w: the root element is <%s>", ErrSitemap, t.Name.Local)
				}
				sm.Index = name == "sitemapindex"
			}
			if name == "loc" && len(stack) > 0 && (stack[len(stack)-1] == "url" || stack[len(stack)-1] == "sitemap") {
				inLoc = true
				loc.Reset()
			}
			stack = append(stack, name)
		case xml.EndElement:
			if len(stack) > 0 {
				if stack[len(stack)-1] == "loc" && inLoc {
					inLoc = false
					add(loc.String())
				}
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if inLoc && loc.Len() < 8<<10 {
				loc.Write(t)
			}
		}
	}
	if root == "" {
		return fmt.Errorf("crawl: sitemap: %w: no root element", ErrSitemap)
	}
	return nil
}
