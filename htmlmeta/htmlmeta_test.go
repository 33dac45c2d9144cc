package htmlmeta_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/htmlmeta"
)

func parseFile(t testing.TB, name string, c htmlmeta.Config) *htmlmeta.Document {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	d, err := c.Parse(fh)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return d
}

func TestParseNews(t *testing.T) {
	d := parseFile(t, "testdata/news.html", htmlmeta.DefaultConfig())
	wantMeta := []htmlmeta.Meta{
		{Name: "viewport", Content: "width=device-width, initial-scale=1", Line: 6},
		{Name: "robots", Content: "index, follow, max-image-preview:large, noai, noimageai", Line: 7},
		{Name: "tdm-reservation", Content: "1", Line: 8},
		{Name: "tdm-policy", Content: "https://news.example/tdm/policy.json", Line: 9},
		{Property: "og:title", Content: "EU AI Act: what providers must publish", Line: 10},
	}
	if diff := cmp.Diff(wantMeta, d.Meta); diff != "" {
		t.Errorf("Meta mismatch (-want +got):\n%s", diff)
	}
	wantLinks := []htmlmeta.Link{
		{Rel: "canonical", Href: "https://news.example/2026/ai-act", Line: 11},
		{Rel: "license", Href: "https://news.example/terms", Line: 12},
		{Rel: "alternate", Href: "/feed.xml", Type: "application/rss+xml", Title: "Feed", Line: 13},
	}
	if diff := cmp.Diff(wantLinks, d.Links); diff != "" {
		t.Errorf("Links mismatch (-want +got):\n%s", diff)
	}
	wantAccess := []htmlmeta.Access{
		{Value: "False", Valid: true, Format: "json-ld", Type: "WebPageElement", Line: 14},
		{Value: "false", Valid: true, Format: "json-ld", Type: "NewsArticle", Line: 14},
	}
	if diff := cmp.Diff(wantAccess, d.Access); diff != "" {
		t.Errorf("Access mismatch (-want +got):\n%s", diff)
	}
	if !d.HeadEnd || d.Truncated || len(d.Errors) != 0 {
		t.Errorf("HeadEnd %v, Truncated %v, Errors %v; want true, false, none", d.HeadEnd, d.Truncated, d.Errors)
	}
	if got := d.Content("ROBOTS"); len(got) != 1 {
		t.Errorf("Content(ROBOTS) = %q; the body's robots meta must not be read", got)
	}
	if got := d.LinksWithRel("LICENSE"); len(got) != 1 || got[0].Href != "https://news.example/terms" {
		t.Errorf("LinksWithRel(LICENSE) = %v", got)
	}
}

func TestParseBody(t *testing.T) {
	d := parseFile(t, "testdata/news.html", htmlmeta.Config{Body: true})
	if got := d.Content("robots"); len(got) != 2 || got[1] != "noindex" {
		t.Errorf("Content(robots) with Body = %q, want the head and body values", got)
	}
}

func TestParseGallery(t *testing.T) {
	d := parseFile(t, "testdata/gallery.html", htmlmeta.DefaultConfig())
	tests := []struct {
		name string
		meta string
		want []string
	}{
		{"robots", "robots", []string{"noai, noimageai"}},
		{"agent meta", "gptbot", []string{"noai"}},
		{"upper-case name, entity and whitespace kept", "tdm-reservation", []string{" 1 "}},
		{"script and style content are not markup", "description", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, d.Content(tt.meta)); diff != "" {
				t.Errorf("Content(%q) mismatch (-want +got):\n%s", tt.meta, diff)
			}
		})
	}
	if len(d.Meta) != 3 {
		t.Errorf("Meta = %+v, want 3 elements (none from script or style)", d.Meta)
	}
	if len(d.Access) != 0 {
		t.Errorf("Access = %+v; body microdata must not be read by default", d.Access)
	}
	d = parseFile(t, "testdata/gallery.html", htmlmeta.Config{Body: true})
	want := []htmlmeta.Access{{Value: "True", Free: true, Valid: true, Format: "microdata", Line: 11}}
	if diff := cmp.Diff(want, d.Access); diff != "" {
		t.Errorf("Access with Body mismatch (-want +got):\n%s", diff)
	}
}

func TestParseMicrodata(t *testing.T) {
	d := parseFile(t, "testdata/microdata.html", htmlmeta.Config{Body: true})
	want := []htmlmeta.Access{
		{Value: "false", Valid: true, Format: "microdata", Line: 10},
		{Value: "https://schema.org/False", Valid: true, Format: "microdata", Line: 11},
		{Value: "true", Free: true, Valid: true, Format: "json-ld", Type: "Article,NewsArticle", Line: 13},
	}
	if diff := cmp.Diff(want, d.Access); diff != "" {
		t.Errorf("Access mismatch (-want +got):\n%s", diff)
	}
	if len(d.Errors) != 1 || !strings.HasPrefix(d.Errors[0].Error(), "htmlmeta: line 18: invalid JSON-LD") {
		t.Errorf("Errors = %v, want one invalid JSON-LD error at line 18", d.Errors)
	}
	var e *htmlmeta.Error
	if len(d.Errors) > 0 && !errors.As(d.Errors[0], &e) {
		t.Errorf("error %v is not a *htmlmeta.Error", d.Errors[0])
	}
	if d.Meta[1].Property != "tdm:reservation" || d.Meta[0].HTTPEquiv != "Content-Type" {
		t.Errorf("Meta = %+v", d.Meta)
	}
	if got := d.LinksWithRel("tdm-policy"); len(got) != 1 {
		t.Errorf("LinksWithRel(tdm-policy) = %v", got)
	}
}

func TestParseCases(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		content []string // of meta robots
		headEnd bool
	}{
		{"stops at </head>", `<head><meta name=robots content=noai></head><meta name=robots content=noindex>`, []string{"noai"}, true},
		{"stops at <body>", `<meta name=robots content=noai><body><meta name=robots content=noindex>`, []string{"noai"}, true},
		{"reads on without head or body", `<meta name=robots content=noai><p>x</p><meta name=robots content=noimageai>`, []string{"noai", "noimageai"}, false},
		{"self-closing", `<meta name="robots" content="noai"/>`, []string{"noai"}, false},
		{"first duplicate attribute wins", `<meta name=robots content=noai content=all>`, []string{"noai"}, false},
		{"no content attribute", `<meta name=robots>`, nil, false},
		{"empty content", `<meta name=robots content="">`, []string{""}, false},
		{"entities decoded", `<meta name=robots content="noai&#44; noimageai">`, []string{"noai, noimageai"}, false},
		{"comment hides element", `<!-- <meta name=robots content=noai> --><head></head>`, nil, true},
		{"unterminated tag", `<head><meta name=robots content=noai`, nil, false},
		{"body in a comment does not stop", `<head><!-- <body> --><meta name=robots content=noai></head>`, []string{"noai"}, true},
		{"template in head", `<head><template><meta name=robots content=noai></template></head>`, []string{"noai"}, true},
		{"empty", ``, nil, false},
		{"binary junk", "\x00\xff<\x00meta", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := htmlmeta.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.content, d.Content("robots")); diff != "" {
				t.Errorf("Parse(%q) robots content mismatch (-want +got):\n%s", tt.in, diff)
			}
			if d.HeadEnd != tt.headEnd {
				t.Errorf("Parse(%q).HeadEnd = %v, want %v", tt.in, d.HeadEnd, tt.headEnd)
			}
		})
	}
}

func TestParseJSONLD(t *testing.T) {
	tests := []struct {
		name   string
		script string
		want   []htmlmeta.Access
		errors int
	}{
		{"boolean", `{"@type":"Article","isAccessibleForFree":true}`, []htmlmeta.Access{{Value: "true", Free: true, Valid: true, Type: "Article"}}, 0},
		{"string False", `{"@type":"Article","isAccessibleForFree":"False"}`, []htmlmeta.Access{{Value: "False", Valid: true, Type: "Article"}}, 0},
		{"schema url", `{"isAccessibleForFree":"http://schema.org/False"}`, []htmlmeta.Access{{Value: "http://schema.org/False", Valid: true}}, 0},
		{"value object", `{"isAccessibleForFree":{"@value":false}}`, []htmlmeta.Access{{Value: "false", Valid: true}}, 0},
		{"not a boolean", `{"isAccessibleForFree":"sometimes"}`, []htmlmeta.Access{{Value: "sometimes"}}, 0},
		{"number", `{"isAccessibleForFree":0}`, []htmlmeta.Access{{Value: "0"}}, 0},
		{"graph", `{"@graph":[{"@type":"WebSite"},{"@type":"Article","isAccessibleForFree":false}]}`, []htmlmeta.Access{{Value: "false", Valid: true, Type: "Article"}}, 0},
		{"array", `[{"isAccessibleForFree":true},{"isAccessibleForFree":false}]`, []htmlmeta.Access{{Value: "true", Free: true, Valid: true}, {Value: "false", Valid: true}}, 0},
		{"concatenated values", `{"isAccessibleForFree":true} {"isAccessibleForFree":false}`, []htmlmeta.Access{{Value: "true", Free: true, Valid: true}, {Value: "false", Valid: true}}, 0},
		{"CDATA wrapper", "//<![CDATA[\n{\"isAccessibleForFree\":false}\n//]]>", []htmlmeta.Access{{Value: "false", Valid: true}}, 0},
		{"invalid JSON", `{"isAccessibleForFree":false,}`, nil, 1},
		{"none", `{"@type":"Organization","name":"X"}`, nil, 0},
		{"empty", ``, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := `<head><script type="application/ld+json">` + tt.script + `</script></head>`
			d, err := htmlmeta.Parse(strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				tt.want[i].Format = "json-ld"
				tt.want[i].Line = 1
			}
			if diff := cmp.Diff(tt.want, d.Access); diff != "" {
				t.Errorf("Parse(%q) Access mismatch (-want +got):\n%s", tt.script, diff)
			}
			if len(d.Errors) != tt.errors {
				t.Errorf("Parse(%q) Errors = %v, want %d", tt.script, d.Errors, tt.errors)
			}
		})
	}
}

func TestParseScriptTypes(t *testing.T) {
	in := `<head><script>{"isAccessibleForFree":false}</script><script type="text/javascript">{"isAccessibleForFree":false}</script><script type=" Application/LD+JSON; charset=utf-8">{"isAccessibleForFree":true}</script></head>`
	d, err := htmlmeta.Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Access) != 1 || !d.Access[0].Free {
		t.Errorf("Parse(%q).Access = %+v, want only the ld+json block", in, d.Access)
	}
}

func TestParseLimit(t *testing.T) {
	page := "<html><head>\n<title>x</title>\n" + strings.Repeat("<!-- padding padding padding -->\n", 20000) + `<meta name="robots" content="noai"></head>`
	tests := []struct {
		name      string
		config    htmlmeta.Config
		truncated bool
		robots    int
	}{
		{"default limit reads it all", htmlmeta.DefaultConfig(), true, 0},
		{"small limit", htmlmeta.Config{MaxBytes: 1000}, true, 0},
		{"large limit", htmlmeta.Config{MaxBytes: int64(len(page)) + 1}, false, 1},
		{"exact limit", htmlmeta.Config{MaxBytes: int64(len(page))}, false, 1},
	}
	if len(page) <= htmlmeta.DefaultMaxBytes {
		tests[0].truncated, tests[0].robots = false, 1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingReader{r: strings.NewReader(page)}
			d, err := tt.config.Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			if d.Truncated != tt.truncated || len(d.Content("robots")) != tt.robots {
				t.Errorf("Parse with %+v: Truncated %v, robots %d; want %v, %d", tt.config, d.Truncated, len(d.Content("robots")), tt.truncated, tt.robots)
			}
			limit := tt.config.MaxBytes
			if limit == 0 {
				limit = htmlmeta.DefaultMaxBytes
			}
			if r.n > limit+1 {
				t.Errorf("read %d bytes, limit %d", r.n, limit)
			}
		})
	}
}

// The extractor must not read past the head.
func TestParseStopsEarly(t *testing.T) {
	page := `<head><meta name=robots content=noai></head>` + strings.Repeat("<p>body</p>", 200000)
	r := &countingReader{r: strings.NewReader(page)}
	if _, err := htmlmeta.Parse(r); err != nil {
		t.Fatal(err)
	}
	if r.n > 64<<10 {
		t.Errorf("read %d bytes of a %d-byte page with a short head", r.n, len(page))
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestParseReadError(t *testing.T) {
	d, err := htmlmeta.Parse(errReader{})
	if err == nil || d != nil || !strings.HasPrefix(err.Error(), "htmlmeta: read: ") {
		t.Errorf("Parse(failing reader) = %v, %v; want an htmlmeta read error", d, err)
	}
}
