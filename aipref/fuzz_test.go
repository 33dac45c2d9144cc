package aipref_test

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gpai-project/gpai/aipref"
)

// seedLines adds every line of a testdata file, or for a robots.txt file the
// value of every line whose key is key.
func seedLines(f *testing.F, name, key string) {
	f.Helper()
	fh, err := os.Open(name)
	if err != nil {
		f.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if key == "" {
			f.Add(line)
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), key) {
			f.Add(v)
		}
	}
	if err := sc.Err(); err != nil {
		f.Fatal(err)
	}
}

func FuzzParseHeader(f *testing.F) {
	seedLines(f, "testdata/content-usage.txt", "")
	f.Fuzz(func(t *testing.T, v string) {
		u, err := aipref.ParseHeader(v)
		if u == nil {
			t.Fatal("nil Usage")
		}
		if err != nil && len(u.Entries) > 0 {
			t.Fatalf("ParseHeader(%q) failed but has entries", v)
		}
		seen := map[string]bool{}
		for _, e := range u.Entries {
			if seen[e.Label] {
				t.Fatalf("ParseHeader(%q): repeated label %q", v, e.Label)
			}
			seen[e.Label] = true
			if e.Preference != aipref.Unknown && e.Value[:1] != map[aipref.Preference]string{aipref.Allow: "y", aipref.Disallow: "n"}[e.Preference] {
				t.Fatalf("ParseHeader(%q): %v from value %q", v, e.Preference, e.Value)
			}
		}
		aipref.Decide(aipref.PurposeTrainGenAI, u)
		for _, p := range []aipref.Purpose{aipref.PurposeTrainGenAI, aipref.PurposeSearch} {
			if got, want := aipref.AppendHeaderEvidence(nil, p, v), u.Evidence(p); !cmp.Equal(got, want) {
				t.Fatalf("AppendHeaderEvidence(%v, %q) = %v, want %v", p, v, got, want)
			}
		}
	})
}

func FuzzParseRule(f *testing.F) {
	seedLines(f, "testdata/robots.txt", "content-usage")
	f.Fuzz(func(t *testing.T, v string) {
		u, _ := aipref.ParseRule(v, 1)
		if u == nil {
			t.Fatal("nil Usage")
		}
		if u.Path != "" && u.Path[0] != '/' {
			t.Fatalf("ParseRule(%q).Path = %q", v, u.Path)
		}
		aipref.Applicable([]*aipref.Usage{u}, v)
		aipref.Applicable([]*aipref.Usage{u}, u.Path)
	})
}

func FuzzParseSignal(f *testing.F) {
	seedLines(f, "testdata/robots.txt", "content-signal")
	f.Fuzz(func(t *testing.T, v string) {
		s, _ := aipref.ParseSignal(v, 1)
		if s == nil {
			t.Fatal("nil Signal")
		}
		for _, p := range []aipref.Purpose{aipref.PurposeTrainGenAI, aipref.PurposeTrainAI, aipref.PurposeAIInput, aipref.PurposeSearch} {
			aipref.Decide(p, s)
		}
	})
}
