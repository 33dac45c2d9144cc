package tdmrep_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/tdmrep"
)

func mustParse(t testing.TB, name string) *tdmrep.File {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := tdmrep.ParseFile(fh)
	if err != nil {
		t.Fatalf("ParseFile(%s): %v", name, err)
	}
	return f
}

type ruleSummary struct {
	Index, Line int
	Location    string
	Reservation tdmrep.Reservation
	Raw, Policy string
}

func summarize(rules []tdmrep.Rule) []ruleSummary {
	var out []ruleSummary
	for _, r := range rules {
		out = append(out, ruleSummary{r.Index, r.Line, r.Location, r.Reservation, r.Raw, r.Policy})
	}
	return out
}

// optout.md §3.2: the file is a JSON array of objects with location,
// tdm-reservation and an optional tdm-policy.
func TestParseFile(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		rules  []ruleSummary
		errors []string
	}{
		{
			name:  "single rule in brackets",
			in:    `[{"location": "/", "tdm-reservation": 1}]`,
			rules: []ruleSummary{{0, 1, "/", tdmrep.Reserved, "1", ""}},
		},
		{
			name:  "empty array",
			in:    ` [ ] `,
			rules: nil,
		},
		{
			name:  "byte order mark",
			in:    "\xef\xbb\xbf[{\"location\": \"/\", \"tdm-reservation\": 0}]",
			rules: []ruleSummary{{0, 1, "/", tdmrep.NotReserved, "0", ""}},
		},
		{
			name:  "line numbers",
			in:    "[\n{\"location\": \"/a\", \"tdm-reservation\": 1},\n\n  {\"location\": \"/b\",\n \"tdm-reservation\": 0, \"tdm-policy\": \" https://x.example/p \"}]",
			rules: []ruleSummary{{0, 2, "/a", tdmrep.Reserved, "1", ""}, {1, 4, "/b", tdmrep.NotReserved, "0", "https://x.example/p"}},
		},
		{
			name:  "unknown members are ignored",
			in:    `[{"location": "/", "tdm-reservation": 1, "comment": "all rights reserved"}]`,
			rules: []ruleSummary{{0, 1, "/", tdmrep.Reserved, "1", ""}},
		},
		{
			name: "invalid values are unset §3.1",
			in:   `[{"location": "/a", "tdm-reservation": "1"}, {"location": "/b", "tdm-reservation": 2}, {"location": "/c", "tdm-reservation": true}, {"location": "/d", "tdm-reservation": 1.0}, {"location": "/e"}]`,
			rules: []ruleSummary{
				{0, 1, "/a", tdmrep.Unset, `"1"`, ""},
				{1, 1, "/b", tdmrep.Unset, "2", ""},
				{2, 1, "/c", tdmrep.Unset, "true", ""},
				{3, 1, "/d", tdmrep.Unset, "1.0", ""},
				{4, 1, "/e", tdmrep.Unset, "", ""},
			},
			errors: []string{
				`tdmrep: line 1: entry 0: tdm-reservation "1" is not 0 or 1; treated as unset`,
				`tdmrep: line 1: entry 1: tdm-reservation 2 is not 0 or 1; treated as unset`,
				`tdmrep: line 1: entry 2: tdm-reservation true is not 0 or 1; treated as unset`,
				`tdmrep: line 1: entry 3: tdm-reservation 1.0 is not 0 or 1; treated as unset`,
				`tdmrep: line 1: entry 4: missing tdm-reservation; treated as unset`,
			},
		},
		{
			name:  "entries that cannot match are skipped",
			in:    "[\n\"/\",\n{\"tdm-reservation\": 1},\n{\"location\": \"\", \"tdm-reservation\": 1},\n{\"location\": 7, \"tdm-reservation\": 1},\n{\"location\": \"/ok\", \"tdm-reservation\": 1, \"tdm-policy\": 3}\n]",
			rules: []ruleSummary{{4, 6, "/ok", tdmrep.Reserved, "1", ""}},
			errors: []string{
				"tdmrep: line 2: entry 0: not an object; entry skipped",
				"tdmrep: line 3: entry 1: missing location; entry skipped",
				`tdmrep: line 4: entry 2: location "" is not a non-empty string; entry skipped`,
				"tdmrep: line 5: entry 3: location 7 is not a non-empty string; entry skipped",
				"tdmrep: line 6: entry 4: tdm-policy 3 is not a string; ignored",
			},
		},
		{
			name:   "location that is not a path",
			in:     `[{"location": "https://example.com/", "tdm-reservation": 1}]`,
			rules:  []ruleSummary{{0, 1, "https://example.com/", tdmrep.Reserved, "1", ""}},
			errors: []string{`tdmrep: line 1: entry 0: location "https://example.com/" does not start with / or *; it matches no path`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tdmrep.ParseFile(strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("ParseFile(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.rules, summarize(f.Rules)); diff != "" {
				t.Errorf("ParseFile(%q) rules mismatch (-want +got):\n%s", tt.in, diff)
			}
			var errs []string
			for _, e := range f.Errors {
				errs = append(errs, e.Error())
				var te *tdmrep.Error
				if !errors.As(e, &te) {
					t.Errorf("error %v is not a *tdmrep.Error", e)
				}
			}
			if diff := cmp.Diff(tt.errors, errs); diff != "" {
				t.Errorf("ParseFile(%q) errors mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// optout.md §3.2 and §10: a file that is not a JSON array means the site
// does not implement the protocol.
func TestParseFileErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		line     int
		notArray bool
	}{
		{"empty", "", 1, false},
		{"object instead of array", `{"location": "/", "tdm-reservation": 1}`, 1, true},
		{"null", "null", 1, true},
		{"html error page", "<!doctype html>\n<title>404</title>", 1, false},
		{"unterminated", "[\n{\"location\": \"/\", \"tdm-reservation\": 1},\n", 3, false},
		{"trailing comma", "[\n{\"location\": \"/\", \"tdm-reservation\": 1},\n]", 3, false},
		{"garbage after array", "[]\n\nx", 1, false},
		{"second array", "[] []", 1, false},
		{"bad element syntax", "[\n\n{\"location\" \"/\"}]", 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tdmrep.ParseFile(strings.NewReader(tt.in))
			var te *tdmrep.Error
			if !errors.As(err, &te) {
				t.Fatalf("ParseFile(%q) = %v, %v; want *tdmrep.Error", tt.in, f, err)
			}
			if f != nil {
				t.Errorf("ParseFile(%q) returned a file with an error", tt.in)
			}
			if te.Line != tt.line {
				t.Errorf("ParseFile(%q) error line = %d, want %d (%v)", tt.in, te.Line, tt.line, err)
			}
			if got := errors.Is(err, tdmrep.ErrNotArray); got != tt.notArray {
				t.Errorf("errors.Is(%v, ErrNotArray) = %v, want %v", err, got, tt.notArray)
			}
			if !strings.HasPrefix(err.Error(), "tdmrep: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// The size limit keeps the rules that end before MaxFileSize.
func TestParseFileTruncated(t *testing.T) {
	var b strings.Builder
	b.WriteString("[\n")
	n := 0
	for b.Len() < tdmrep.MaxFileSize+1000 {
		b.WriteString(`{"location": "/section/`)
		b.WriteString(strings.Repeat("x", 40))
		b.WriteString(`/", "tdm-reservation": 1},` + "\n")
		n++
	}
	b.WriteString(`{"location": "/", "tdm-reservation": 0}]`)
	f, err := tdmrep.ParseFile(strings.NewReader(b.String()))
	if err != nil {
		t.Fatalf("ParseFile(large) error: %v", err)
	}
	if !f.Truncated {
		t.Errorf("ParseFile(large).Truncated = false, want true")
	}
	if len(f.Rules) == 0 || len(f.Rules) >= n {
		t.Errorf("ParseFile(large) kept %d rules, want between 1 and %d", len(f.Rules), n-1)
	}
	if r := f.Lookup("/"); r.Reservation != tdmrep.Unset {
		t.Errorf("rule past the limit was used: %+v", r)
	}
	last := f.Rules[len(f.Rules)-1]
	if last.Line != last.Index+2 {
		t.Errorf("last rule line = %d, want %d", last.Line, last.Index+2)
	}
}

func TestParseFileTestdata(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		rules   int
		errs    int
		wantErr bool
	}{
		{"publisher", "testdata/publisher.json", 3, 0, false},
		{"single", "testdata/single.json", 1, 0, false},
		{"invalid entries", "testdata/invalid-entries.json", 3, 5, false},
		{"unicode", "testdata/unicode.json", 4, 0, false},
		{"object", "testdata/object.json", 0, 0, true},
		{"truncated syntax", "testdata/truncated-syntax.json", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fh, err := os.Open(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			f, err := tdmrep.ParseFile(fh)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseFile(%s) error = %v, want error %v", tt.file, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if len(f.Rules) != tt.rules || len(f.Errors) != tt.errs {
				t.Errorf("ParseFile(%s) = %d rules, %d errors (%v); want %d, %d", tt.file, len(f.Rules), len(f.Errors), f.Errors, tt.rules, tt.errs)
			}
		})
	}
}

// optout.md §3.2: location matching.
func TestMatch(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		url      string
		want     tdmrep.Reservation
		location string // "" = no match
	}{
		// First match in array order, not the longest.
		{"first match wins", `[{"location": "/", "tdm-reservation": 1}, {"location": "/open/", "tdm-reservation": 0}]`, "/open/a", tdmrep.Reserved, "/"},
		{"narrow rule first", `[{"location": "/open/", "tdm-reservation": 0}, {"location": "/", "tdm-reservation": 1}]`, "/open/a", tdmrep.NotReserved, "/open/"},
		{"no match is unset", `[{"location": "/private/", "tdm-reservation": 1}]`, "/public/a", tdmrep.Unset, ""},
		{"no rules", `[]`, "/", tdmrep.Unset, ""},
		// Anchored at the start of the path.
		{"anchored at start", `[{"location": "/a", "tdm-reservation": 1}]`, "/b/a", tdmrep.Unset, ""},
		{"prefix match", `[{"location": "/a", "tdm-reservation": 1}]`, "/abc/def", tdmrep.Reserved, "/a"},
		// Wildcards.
		{"star any characters", `[{"location": "/*.pdf", "tdm-reservation": 1}]`, "/docs/2024/report.pdf", tdmrep.Reserved, "/*.pdf"},
		{"star matches slash", `[{"location": "/a*z", "tdm-reservation": 1}]`, "/a/b/c/z", tdmrep.Reserved, "/a*z"},
		{"star matches empty", `[{"location": "/a*", "tdm-reservation": 1}]`, "/a", tdmrep.Reserved, "/a*"},
		{"leading star", `[{"location": "*.gif$", "tdm-reservation": 1}]`, "/img/x.gif", tdmrep.Reserved, "*.gif$"},
		{"several stars", `[{"location": "/*/*/*.jpg", "tdm-reservation": 1}]`, "/a/b/c.jpg?w=200", tdmrep.Reserved, "/*/*/*.jpg"},
		{"stars fail", `[{"location": "/*/*/*.jpg", "tdm-reservation": 1}]`, "/a/c.jpg", tdmrep.Unset, ""},
		// End anchor.
		{"dollar anchors end", `[{"location": "/*.jpg$", "tdm-reservation": 1}]`, "/a.jpg", tdmrep.Reserved, "/*.jpg$"},
		{"dollar rejects longer", `[{"location": "/*.jpg$", "tdm-reservation": 1}]`, "/a.jpg?w=2", tdmrep.Unset, ""},
		{"dollar exact", `[{"location": "/$", "tdm-reservation": 1}]`, "/", tdmrep.Reserved, "/$"},
		{"dollar exact rejects", `[{"location": "/$", "tdm-reservation": 1}]`, "/a", tdmrep.Unset, ""},
		{"middle dollar is literal", `[{"location": "/a$b", "tdm-reservation": 1}]`, "/a$b", tdmrep.Reserved, "/a$b"},
		// Literal * and $ are written %2A and %24.
		{"literal star", `[{"location": "/a%2Ab", "tdm-reservation": 1}]`, "/a*b", tdmrep.Reserved, "/a%2Ab"},
		{"literal star not wildcard", `[{"location": "/a%2Ab", "tdm-reservation": 1}]`, "/axxb", tdmrep.Unset, ""},
		{"literal dollar", `[{"location": "/price%24", "tdm-reservation": 1}]`, "/price$5", tdmrep.Reserved, "/price%24"},
		{"literal dollar encoded url", `[{"location": "/price%24", "tdm-reservation": 1}]`, "/price%245", tdmrep.Reserved, "/price%24"},
		// Case-sensitive.
		{"case-sensitive", `[{"location": "/Images/", "tdm-reservation": 1}]`, "/images/a", tdmrep.Unset, ""},
		// Percent-encoding: unreserved decoded, reserved kept.
		{"encoded unreserved in url", `[{"location": "/foo/bar/baz", "tdm-reservation": 1}]`, "/foo/bar/%62%61%7A", tdmrep.Reserved, "/foo/bar/baz"},
		{"encoded unreserved in pattern", `[{"location": "/%7Euser/", "tdm-reservation": 1}]`, "/~user/a", tdmrep.Reserved, "/%7Euser/"},
		{"encoded slash stays encoded", `[{"location": "/a/b", "tdm-reservation": 1}]`, "/a%2Fb", tdmrep.Unset, ""},
		{"encoded slash matches encoded", `[{"location": "/a%2fb", "tdm-reservation": 1}]`, "/a%2Fb", tdmrep.Reserved, "/a%2fb"},
		{"lower-case hex", `[{"location": "/caf%C3%A9", "tdm-reservation": 1}]`, "/caf%c3%a9", tdmrep.Reserved, "/caf%C3%A9"},
		{"raw utf-8 url", `[{"location": "/caf%C3%A9", "tdm-reservation": 1}]`, "/café", tdmrep.Reserved, "/caf%C3%A9"},
		{"raw utf-8 pattern", `[{"location": "/café", "tdm-reservation": 1}]`, "/caf%C3%A9", tdmrep.Reserved, "/café"},
		// URL forms.
		{"full url", `[{"location": "/a", "tdm-reservation": 1}]`, "https://example.com/a?x=1#frag", tdmrep.Reserved, "/a"},
		{"full url without path", `[{"location": "/$", "tdm-reservation": 1}]`, "https://example.com", tdmrep.Reserved, "/$"},
		{"query is part of the path", `[{"location": "/*?session=", "tdm-reservation": 1}]`, "/a?session=1", tdmrep.Reserved, "/*?session="},
		{"fragment ignored", `[{"location": "/a$", "tdm-reservation": 1}]`, "/a#top", tdmrep.Reserved, "/a$"},
		{"empty url is root", `[{"location": "/$", "tdm-reservation": 1}]`, "", tdmrep.Reserved, "/$"},
		{"long path", `[{"location": "/*x*y$", "tdm-reservation": 1}]`, "/" + strings.Repeat("x", 300) + "y", tdmrep.Reserved, "/*x*y$"},
		// An invalid first match leaves the URL unset (§3.1 + §3.2).
		{"invalid first match", `[{"location": "/a", "tdm-reservation": "1"}, {"location": "/", "tdm-reservation": 1}]`, "/a", tdmrep.Unset, "/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := tdmrep.ParseFile(strings.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			rule, ok := f.Match(tt.url)
			loc := ""
			if ok {
				loc = rule.Location
			}
			s := f.Lookup(tt.url)
			if loc != tt.location || s.Reservation != tt.want {
				t.Errorf("Lookup(%q) in %s = %v (location %q), want %v (location %q)", tt.url, tt.file, s.Reservation, loc, tt.want, tt.location)
			}
		})
	}
}

func TestNilFile(t *testing.T) {
	var f *tdmrep.File
	if _, ok := f.Match("/"); ok {
		t.Errorf("nil File matched")
	}
	if s := f.Lookup("/"); s.Source != tdmrep.SourceWellKnown || s.Reservation != tdmrep.Unset {
		t.Errorf("nil File Lookup = %+v", s)
	}
}

func TestPublisherFile(t *testing.T) {
	f := mustParse(t, "testdata/publisher.json")
	tests := []struct {
		name, url string
		want      tdmrep.Reservation
		policy    string
	}{
		{"open research", "/research/open/paper.html", tdmrep.NotReserved, ""},
		{"jpeg", "/images/2024/cat.jpg", tdmrep.Reserved, "https://example.com/policies/images.json"},
		{"jpeg with query falls to root rule", "/images/cat.jpg?w=10", tdmrep.Reserved, "https://example.com/policies/policy.json"},
		{"anything else", "/news/today", tdmrep.Reserved, "https://example.com/policies/policy.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := f.Lookup(tt.url)
			if s.Reservation != tt.want || s.Policy != tt.policy {
				t.Errorf("Lookup(%q) = %v %q, want %v %q", tt.url, s.Reservation, s.Policy, tt.want, tt.policy)
			}
		})
	}
}
