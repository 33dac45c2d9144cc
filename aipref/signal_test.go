package aipref_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/aipref"
)

// optout.md §4.3: Cloudflare Content Signals.
func TestParseSignal(t *testing.T) {
	A, D, U := aipref.Allow, aipref.Disallow, aipref.Unknown
	tests := []struct {
		name                     string
		in                       string
		search, aiInput, aiTrain aipref.Preference
		path                     string
		entries                  int
		wantErr                  bool
	}{
		{"policy example", "search=yes, ai-input=yes, ai-train=no", A, A, D, "", 3, false},
		{"cloudflare managed default", "search=yes,ai-train=no", A, U, D, "", 2, false},
		{"absent signal says nothing", "ai-train=no", U, U, D, "", 1, false},
		{"empty", "", U, U, U, "", 0, false},
		{"case-insensitive keys and values", "Search=YES, AI-Train=No", A, U, D, "", 2, false},
		{"spaces around equals", "ai-train = no , search= yes", A, U, D, "", 2, false},
		{"comment", "ai-train=no # see policy", U, U, D, "", 1, false},
		{"use key kept but ignored", "search=yes, use=reference, ai-train=no", A, U, D, "", 3, false},
		{"unknown value", "ai-train=maybe, ai-input=true", U, U, U, "", 2, false},
		{"duplicate key most restrictive", "ai-train=yes, ai-train=no", U, U, D, "", 2, false},
		{"duplicate key allow", "ai-train=yes, ai-train=yes", U, U, A, "", 2, false},
		{"empty elements skipped", "search=yes,, ai-train=no,", A, U, D, "", 2, false},
		{"path scope", "/blog/ ai-train=no", U, U, D, "/blog/", 1, false},
		{"malformed element skipped", "search=yes, ai-train, ai-input=no", A, D, U, "", 2, true},
		{"empty key", "=no, search=yes", A, U, U, "", 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := aipref.ParseSignal(tt.in, 12)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseSignal(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "aipref: line 12: ") {
				t.Errorf("ParseSignal(%q) error %q lacks the line", tt.in, err)
			}
			got := []aipref.Preference{s.Get("search"), s.Get("ai-input"), s.Get("ai-train")}
			want := []aipref.Preference{tt.search, tt.aiInput, tt.aiTrain}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseSignal(%q) search, ai-input, ai-train mismatch (-want +got):\n%s", tt.in, diff)
			}
			if s.Path != tt.path || len(s.Entries) != tt.entries || s.Line != 12 {
				t.Errorf("ParseSignal(%q) = path %q, %d entries, line %d; want %q, %d, 12", tt.in, s.Path, len(s.Entries), s.Line, tt.path, tt.entries)
			}
		})
	}
}

func TestSignalEntries(t *testing.T) {
	s, err := aipref.ParseSignal("search=yes, use=reference, AI-Train=No", 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []aipref.SignalEntry{
		{Key: "search", Value: "yes", Preference: aipref.Allow},
		{Key: "use", Value: "reference", Preference: aipref.Unknown},
		{Key: "AI-Train", Value: "No", Preference: aipref.Disallow},
	}
	if diff := cmp.Diff(want, s.Entries); diff != "" {
		t.Errorf("ParseSignal entries mismatch (-want +got):\n%s", diff)
	}
}
