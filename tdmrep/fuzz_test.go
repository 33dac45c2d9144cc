package tdmrep_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/gpai-project/gpai/tdmrep"
)

func addTestdata(f *testing.F, pattern string) {
	f.Helper()
	names, err := filepath.Glob(pattern)
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds in %s: %v", pattern, err)
	}
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParseFile checks that ParseFile never panics, that a returned file is
// consistent, and that matching any path terminates without panicking.
func FuzzParseFile(f *testing.F) {
	addTestdata(f, "testdata/*.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := tdmrep.ParseFile(bytes.NewReader(data))
		if err != nil {
			if file != nil {
				t.Fatalf("ParseFile returned a file and an error %v", err)
			}
			return
		}
		for i, r := range file.Rules {
			if r.Location == "" || r.Line < 1 || (i > 0 && r.Index <= file.Rules[i-1].Index) {
				t.Fatalf("bad rule %d: %+v", i, r)
			}
			if r.Reservation != tdmrep.Unset && r.Raw != r.Reservation.String() {
				t.Fatalf("rule %d: reservation %v from raw %q", i, r.Reservation, r.Raw)
			}
			// A location used as a path matches a rule (perhaps an earlier one).
			file.Lookup(r.Location)
		}
		file.Lookup(string(data))
	})
}

// FuzzParseHeader checks that header values never panic and that a valid
// reservation always comes from a value made of 0s or 1s.
func FuzzParseHeader(f *testing.F) {
	for _, s := range []string{"1", "0", " 1 ", "1, 0", "1,1", "", "yes", "\x00", "１"} {
		f.Add(s, "https://example.com/policy.json")
	}
	f.Fuzz(func(t *testing.T, reservation, policy string) {
		s := tdmrep.ParseHeader(http.Header{"Tdm-Reservation": {reservation}, "Tdm-Policy": {policy}})
		if s.Reservation != tdmrep.Unset {
			if _, ok := tdmrep.ParseReservation(reservation); !ok && !bytes.ContainsRune([]byte(reservation), ',') {
				t.Fatalf("ParseHeader(%q) = %v, but the value is invalid", reservation, s.Reservation)
			}
		}
		tdmrep.Resolve(s, tdmrep.ParseMeta([]string{reservation}, []string{policy}))
	})
}

// FuzzMatch checks the pattern matcher on arbitrary locations and paths.
func FuzzMatch(f *testing.F) {
	f.Add("/*.jpg$", "/a/b.jpg")
	f.Add("*", "")
	f.Add("/a%2A$", "/a*")
	f.Add("/caf%c3%a9", "/café#x")
	f.Add("/****************x", "/"+string(bytes.Repeat([]byte("a"), 200)))
	f.Fuzz(func(t *testing.T, location, path string) {
		b, err := jsonString(location)
		if err != nil {
			return
		}
		file, err := tdmrep.ParseFile(bytes.NewReader([]byte(`[{"location": ` + b + `, "tdm-reservation": 1}]`)))
		if err != nil {
			t.Fatalf("ParseFile: %v", err)
		}
		file.Match(path)
		if location == "*" || location == "/*" && len(path) > 0 && path[0] == '/' {
			if _, ok := file.Match(path); !ok {
				t.Fatalf("location %q does not match %q", location, path)
			}
		}
	})
}
