package aipref_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/aipref"
)

// optout.md §4.1: serialisation and processing of the vocabulary.
func TestParseHeader(t *testing.T) {
	A, D, U := aipref.Allow, aipref.Disallow, aipref.Unknown
	tests := []struct {
		name    string
		in      []string
		want    []aipref.Entry
		wantErr bool
	}{
		{"draft example", []string{"train-ai=n, search=y"}, []aipref.Entry{{"train-ai", D, "n"}, {"search", A, "y"}}, false},
		{"empty", []string{""}, []aipref.Entry{}, false},
		{"no field lines", nil, []aipref.Entry{}, false},
		{"tabs and spaces between members", []string{"  train-ai=n,\tsearch=y  "}, []aipref.Entry{{"train-ai", D, "n"}, {"search", A, "y"}}, false},
		{"no space after comma", []string{"train-ai=y,search=n"}, []aipref.Entry{{"train-ai", A, "y"}, {"search", D, "n"}}, false},
		{"several field lines combined", []string{"train-ai=n", "search=y"}, []aipref.Entry{{"train-ai", D, "n"}, {"search", A, "y"}}, false},
		// Any other value type or token is unknown, not an error.
		{"string value", []string{`train-ai="n"`}, []aipref.Entry{{"train-ai", U, `"n"`}}, false},
		{"upper-case token", []string{"train-ai=N"}, []aipref.Entry{{"train-ai", U, "N"}}, false},
		{"yes token", []string{"train-ai=yes"}, []aipref.Entry{{"train-ai", U, "yes"}}, false},
		{"boolean", []string{"train-ai=?0"}, []aipref.Entry{{"train-ai", U, "?0"}}, false},
		{"integer", []string{"train-ai=0"}, []aipref.Entry{{"train-ai", U, "0"}}, false},
		{"bare key is boolean true", []string{"train-ai"}, []aipref.Entry{{"train-ai", U, ""}}, false},
		{"inner list", []string{"train-ai=(n)"}, []aipref.Entry{{"train-ai", U, "(n)"}}, false},
		{"byte sequence", []string{"train-ai=:bg==:"}, []aipref.Entry{{"train-ai", U, ":bg==:"}}, false},
		{"date", []string{"train-ai=@1700000000"}, []aipref.Entry{{"train-ai", U, "@1700000000"}}, false},
		{"display string", []string{`train-ai=%"n%c3%a9"`}, []aipref.Entry{{"train-ai", U, `%"n%c3%a9"`}}, false},
		// Repeated key: last wins, with its parameters; parameters ignored.
		{"repeated key last wins", []string{"train-ai=n, search=y, train-ai=y"}, []aipref.Entry{{"train-ai", A, "y"}, {"search", A, "y"}}, false},
		{"repeated across field lines", []string{"train-ai=y", "train-ai=n"}, []aipref.Entry{{"train-ai", D, "n"}}, false},
		{"parameters ignored", []string{"train-ai=n;exp=1700000000;by=*"}, []aipref.Entry{{"train-ai", D, "n;exp=1700000000;by=*"}}, false},
		{"parameters on bare key", []string{"train-ai;x=n"}, []aipref.Entry{{"train-ai", U, ";x=n"}}, false},
		// Unknown and legacy labels are kept but carry no meaning.
		{"legacy labels kept", []string{"train-genai=n, bots=n, all=n, ai-use=n, ai-output=n, tdm=n"}, []aipref.Entry{{"train-genai", D, "n"}, {"bots", D, "n"}, {"all", D, "n"}, {"ai-use", D, "n"}, {"ai-output", D, "n"}, {"tdm", D, "n"}}, false},
		{"label characters", []string{"x.y_z-1*=y, *=n"}, []aipref.Entry{{"x.y_z-1*", A, "y"}, {"*", D, "n"}}, false},
		// Parse failure: everything unknown.
		{"upper-case key", []string{"TRAIN-AI=n"}, nil, true},
		{"spaces around equals", []string{"train-ai = n"}, nil, true},
		{"space before equals", []string{"train-ai =n"}, nil, true},
		{"space after equals", []string{"train-ai= n"}, nil, true},
		{"trailing comma", []string{"train-ai=n,"}, nil, true},
		{"leading comma", []string{",train-ai=n"}, nil, true},
		{"semicolon separator", []string{"train-ai=n; search=y"}, []aipref.Entry{{"train-ai", D, "n; search=y"}}, false},
		{"missing comma", []string{"train-ai=n search=y"}, nil, true},
		{"one bad member spoils all", []string{"train-ai=n, Search=y"}, nil, true},
		{"bad member in a later field line", []string{"train-ai=n", "search=y,"}, nil, true},
		{"missing value", []string{"train-ai="}, nil, true},
		{"unterminated string", []string{`train-ai="n`}, nil, true},
		{"bad escape", []string{`train-ai="\n"`}, nil, true},
		{"bad boolean", []string{"train-ai=?2"}, nil, true},
		{"decimal date", []string{"train-ai=@1.5"}, nil, true},
		{"long integer", []string{"train-ai=1234567890123456"}, nil, true},
		{"long decimal", []string{"train-ai=1234567890123.1"}, nil, true},
		{"decimal fraction", []string{"train-ai=1.1234"}, nil, true},
		{"decimal trailing dot", []string{"train-ai=1."}, nil, true},
		{"upper-case percent in display string", []string{`train-ai=%"%C3%A9"`}, nil, true},
		{"invalid utf-8 in display string", []string{`train-ai=%"%ff"`}, nil, true},
		{"unterminated inner list", []string{"train-ai=(n y"}, nil, true},
		{"non-ascii", []string{"train-ai=n, séarch=y"}, nil, true},
		{"json", []string{`{"train-ai": "n"}`}, nil, true},
		{"leading tab", []string{"\ttrain-ai=n"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := aipref.ParseHeader(tt.in...)
			if u == nil {
				t.Fatalf("ParseHeader(%q) returned nil Usage", tt.in)
			}
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseHeader(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				var se *aipref.SyntaxError
				if !errors.As(err, &se) || !strings.HasPrefix(err.Error(), "aipref: offset ") {
					t.Errorf("ParseHeader(%q) error %q is not an aipref *SyntaxError", tt.in, err)
				}
				if len(u.Entries) != 0 || u.Get(aipref.TrainAI) != aipref.Unknown {
					t.Errorf("ParseHeader(%q) failed but kept entries %v", tt.in, u.Entries)
				}
				if u.Raw != strings.Join(tt.in, ", ") {
					t.Errorf("ParseHeader(%q).Raw = %q", tt.in, u.Raw)
				}
				return
			}
			if diff := cmp.Diff(tt.want, u.Entries); diff != "" {
				t.Errorf("ParseHeader(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// optout.md §4.1: labels of the current vocabulary; unknown labels must be
// ignored.
func TestKnown(t *testing.T) {
	tests := []struct {
		name  string
		label string
		want  bool
	}{
		{"train-ai", "train-ai", true},
		{"search", "search", true},
		{"case-sensitive", "Train-AI", false},
		{"legacy train-genai", "train-genai", false},
		{"legacy bots", "bots", false},
		{"legacy all", "all", false},
		{"legacy ai-use", "ai-use", false},
		{"legacy tdm", "tdm", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aipref.Known(tt.label); got != tt.want {
				t.Errorf("Known(%q) = %v, want %v", tt.label, got, tt.want)
			}
		})
	}
}

// optout.md §4.1: combining several statements (vocab s.5.1).
func TestCombine(t *testing.T) {
	A, D, U := aipref.Allow, aipref.Disallow, aipref.Unknown
	tests := []struct {
		name string
		in   []aipref.Preference
		want aipref.Preference
	}{
		{"none", nil, U},
		{"unknown", []aipref.Preference{U, U}, U},
		{"allow", []aipref.Preference{U, A}, A},
		{"disallow wins", []aipref.Preference{A, D, A}, D},
		{"disallow first", []aipref.Preference{D, A}, D},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aipref.Combine(tt.in...); got != tt.want {
				t.Errorf("Combine(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// optout.md §4.2: the robots.txt rule form.
func TestParseRule(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		path    string
		raw     string
		train   aipref.Preference
		wantErr bool
	}{
		{"no path", "train-ai=n", "", "train-ai=n", aipref.Disallow, false},
		{"path and preference", "/ai-ok/ train-ai=y", "/ai-ok/", "train-ai=y", aipref.Allow, false},
		{"tab after path", "/ai-ok/\ttrain-ai=y", "/ai-ok/", "train-ai=y", aipref.Allow, false},
		{"several spaces after path", "/a/   train-ai=n, search=y", "/a/", "train-ai=n, search=y", aipref.Disallow, false},
		{"comment ends the value", "train-ai=n # no training", "", "train-ai=n", aipref.Disallow, false},
		{"comment right after value", "/x train-ai=y#c", "/x", "train-ai=y", aipref.Allow, false},
		{"surrounding whitespace", " \t train-ai=n \t", "", "train-ai=n", aipref.Disallow, false},
		{"line ending", "train-ai=n\r\n", "", "train-ai=n", aipref.Disallow, false},
		{"encoded space in path", "/my%20docs/ train-ai=n", "/my%20docs/", "train-ai=n", aipref.Disallow, false},
		{"wildcard path", "/*.pdf$ train-ai=n", "/*.pdf$", "train-ai=n", aipref.Disallow, false},
		{"path only", "/a/", "/a/", "", aipref.Unknown, false},
		{"empty", "", "", "", aipref.Unknown, false},
		{"value not starting with slash has no path", "*.pdf train-ai=n", "", "*.pdf train-ai=n", aipref.Unknown, true},
		{"invalid preference", "/a/ train-ai = n", "/a/", "train-ai = n", aipref.Unknown, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := aipref.ParseRule(tt.value, 7)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRule(%q) error = %v, want error %v", tt.value, err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "aipref: line 7: ") {
				t.Errorf("ParseRule(%q) error %q lacks the line", tt.value, err)
			}
			if u.Path != tt.path || u.Raw != tt.raw || u.Line != 7 || u.Source != aipref.SourceRobots {
				t.Errorf("ParseRule(%q) = path %q raw %q line %d source %v, want %q %q 7 robots", tt.value, u.Path, u.Raw, u.Line, u.Source, tt.path, tt.raw)
			}
			if got := u.Get(aipref.TrainAI); got != tt.train {
				t.Errorf("ParseRule(%q).Get(train-ai) = %v, want %v", tt.value, got, tt.train)
			}
		})
	}
}

func rules(t *testing.T, values ...string) []*aipref.Usage {
	t.Helper()
	var out []*aipref.Usage
	for i, v := range values {
		u, err := aipref.ParseRule(v, i+1)
		if err != nil {
			t.Fatalf("ParseRule(%q): %v", v, err)
		}
		out = append(out, u)
	}
	return out
}

func lines[S interface{ *aipref.Usage | *aipref.Signal }](rs []S) []int {
	var out []int
	for _, r := range rs {
		switch r := any(r).(type) {
		case *aipref.Usage:
			out = append(out, r.Line)
		case *aipref.Signal:
			out = append(out, r.Line)
		}
	}
	return out
}

// optout.md §4.2: choosing the applicable Content-Usage rule.
func TestApplicable(t *testing.T) {
	tests := []struct {
		name  string
		rules []string
		path  string
		want  []int // lines of the applicable rules
		train aipref.Preference
	}{
		// The example of draft-ietf-aipref-attach.
		{"draft example /test", []string{"train-ai=n", "/ai-ok/ train-ai=y"}, "/test", []int{1}, aipref.Disallow},
		{"draft example /ai-ok/test", []string{"train-ai=n", "/ai-ok/ train-ai=y"}, "/ai-ok/test", []int{2}, aipref.Allow},
		{"order has no meaning", []string{"/ai-ok/ train-ai=y", "train-ai=n"}, "/ai-ok/test", []int{1}, aipref.Allow},
		{"longest path wins", []string{"/a/ train-ai=n", "/a/b/ train-ai=y", "/ train-ai=n"}, "/a/b/c", []int{2}, aipref.Allow},
		{"length in bytes of the pattern", []string{"/a*/c train-ai=n", "/a/b train-ai=y"}, "/a/b/c", []int{1}, aipref.Disallow},
		{"identical paths combine most restrictively", []string{"/a/ train-ai=y", "/a/ train-ai=n"}, "/a/x", []int{1, 2}, aipref.Disallow},
		{"identical paths both allow", []string{"/a/ train-ai=y", "/a/ search=n"}, "/a/x", []int{1, 2}, aipref.Allow},
		{"pathless rules combine", []string{"train-ai=y", "train-ai=n"}, "/x", []int{1, 2}, aipref.Disallow},
		{"pathless is lowest specificity", []string{"train-ai=n", "/ train-ai=y"}, "/x", []int{2}, aipref.Allow},
		{"no matching rule", []string{"/a/ train-ai=n"}, "/b", nil, aipref.Unknown},
		{"no rules", nil, "/b", nil, aipref.Unknown},
		{"no per-category fallback", []string{"train-ai=n", "/docs/ search=y"}, "/docs/x", []int{2}, aipref.Unknown},
		{"wildcard and anchor", []string{"/*.pdf$ train-ai=n", "train-ai=y"}, "/a/b.pdf", []int{1}, aipref.Disallow},
		{"anchor rejects query", []string{"/*.pdf$ train-ai=n", "train-ai=y"}, "/a/b.pdf?x", []int{2}, aipref.Allow},
		{"full url", []string{"/a/ train-ai=n"}, "https://example.com/a/b", []int{1}, aipref.Disallow},
		{"encoded space in path", []string{"/my%20docs/ train-ai=n"}, "/my docs/a", []int{1}, aipref.Disallow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aipref.Applicable(rules(t, tt.rules...), tt.path)
			if diff := cmp.Diff(tt.want, lines(got)); diff != "" {
				t.Errorf("Applicable(%q, %q) mismatch (-want +got):\n%s", tt.rules, tt.path, diff)
			}
			var stmts []aipref.Statement
			for _, u := range got {
				stmts = append(stmts, u)
			}
			if v := aipref.Decide(aipref.PurposeTrainGenAI, stmts...); v.Preference != tt.train {
				t.Errorf("Decide(train, Applicable(%q, %q)) = %v, want %v", tt.rules, tt.path, v.Preference, tt.train)
			}
		})
	}
}

func TestApplicableNil(t *testing.T) {
	got := aipref.Applicable([]*aipref.Usage{nil, nil}, "/")
	if len(got) != 0 {
		t.Errorf("Applicable(nil rules) = %v, want none", got)
	}
}

// A dictionary of more members than parseDictionary compares one by one
// still keeps the last value of a repeated key at its first position.
func TestParseHeaderManyMembers(t *testing.T) {
	var members []string
	var want []aipref.Entry
	for i := range 40 {
		k := "k" + strings.Repeat("x", i)
		members = append(members, k+"=y")
		want = append(want, aipref.Entry{Label: k, Preference: aipref.Allow, Value: "y"})
	}
	members = append(members, "k=n", "k"+strings.Repeat("x", 25)+"=?0", "search=y")
	want[0] = aipref.Entry{Label: "k", Preference: aipref.Disallow, Value: "n"}
	want[25] = aipref.Entry{Label: want[25].Label, Preference: aipref.Unknown, Value: "?0"}
	want = append(want, aipref.Entry{Label: "search", Preference: aipref.Allow, Value: "y"})
	u, err := aipref.ParseHeader(strings.Join(members, ", "))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, u.Entries); diff != "" {
		t.Errorf("ParseHeader(%d members) mismatch (-want +got):\n%s", len(members), diff)
	}
}

var purposes = []aipref.Purpose{0, aipref.PurposeTrainGenAI, aipref.PurposeTrainAI, aipref.PurposeAIInput, aipref.PurposeSearch, 9}

// AppendHeaderEvidence is ParseHeader(values...).Evidence(p) appended.
func TestAppendHeaderEvidence(t *testing.T) {
	prefix := []aipref.Evidence{{Key: "earlier"}}
	for _, values := range [][]string{
		nil, {""}, {"train-ai=n"}, {"train-ai=y, search=n"}, {"search=y;exp=1", "train-ai=?1"},
		{"train-ai=n, train-ai=y"}, {"TRAIN-AI=n"}, {"train-ai=n,"}, {"train-ai=(a b), search"},
		{strings.Repeat("a=y, ", 30) + "train-ai=n, search=n, a=n"},
	} {
		u, _ := aipref.ParseHeader(values...)
		for _, p := range purposes {
			want := append(append([]aipref.Evidence(nil), prefix...), u.Evidence(p)...)
			got := aipref.AppendHeaderEvidence(append([]aipref.Evidence(nil), prefix...), p, values...)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("AppendHeaderEvidence(%v, %q) mismatch (-want +got):\n%s", p, values, diff)
			}
		}
	}
	dst := make([]aipref.Evidence, 0, 4)
	if n := testing.AllocsPerRun(100, func() { dst = aipref.AppendHeaderEvidence(dst[:0], aipref.PurposeTrainGenAI, "train-ai=n, search=y") }); n != 0 {
		t.Errorf("AppendHeaderEvidence allocates %.1f times, want 0", n)
	}
}

// AppendApplicable appends what Applicable returns, and a rule whose Path
// is changed after parsing is matched with the new path.
func TestAppendApplicable(t *testing.T) {
	rs := rules(t, "train-ai=n", "/a/ train-ai=y", "/a/ search=n", "/*.pdf$ train-ai=n")
	for _, path := range []string{"/", "/a/x", "/a/x.pdf", "/b.pdf", "https://example.com/a/"} {
		prefix := rules(t, "/p/ train-ai=n")
		want := append(prefix, aipref.Applicable(rs, path)...)
		got := aipref.AppendApplicable(prefix, rs, path)
		if diff := cmp.Diff(lines(want), lines(got)); diff != "" {
			t.Errorf("AppendApplicable(%q) mismatch (-want +got):\n%s", path, diff)
		}
	}
	u := rules(t, "/a/ train-ai=n")[0]
	u.Path = "/b/"
	if got := aipref.Applicable([]*aipref.Usage{u}, "/b/x"); len(got) != 1 {
		t.Errorf("Applicable(/b/x) after setting Path to /b/ = %d rules, want 1", len(got))
	}
	if got := aipref.Applicable([]*aipref.Usage{u}, "/a/x"); len(got) != 0 {
		t.Errorf("Applicable(/a/x) after setting Path to /b/ = %d rules, want 0", len(got))
	}
	s, _ := aipref.ParseSignal("/a/ ai-train=no", 1)
	s.Path = ""
	if got := aipref.Applicable([]*aipref.Signal{s}, "/x"); len(got) != 1 {
		t.Errorf("Applicable(/x) after clearing a signal's Path = %d rules, want 1", len(got))
	}
	dst := make([]*aipref.Usage, 0, len(rs))
	if n := testing.AllocsPerRun(100, func() { dst = aipref.AppendApplicable(dst[:0], rs, "/a/x") }); n != 0 {
		t.Errorf("AppendApplicable allocates %.1f times, want 0", n)
	}
}
