package tdmrep_test

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gpai-project/gpai/tdmrep"
)

func ExampleParseFile() {
	const wellKnown = `[
  {"location": "/research/open/*", "tdm-reservation": 0},
  {"location": "/", "tdm-reservation": 1, "tdm-policy": "https://example.com/policy.json"}
]`
	f, err := tdmrep.ParseFile(strings.NewReader(wellKnown))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, path := range []string{"/research/open/paper.pdf", "/news/today"} {
		s := f.Lookup(path)
		fmt.Printf("%s: tdm-reservation %v (rule %d, line %d)\n", path, s.Reservation, s.Rule.Index, s.Rule.Line)
	}
	// Output:
	// /research/open/paper.pdf: tdm-reservation 0 (rule 0, line 2)
	// /news/today: tdm-reservation 1 (rule 1, line 3)
}

func ExampleResolve() {
	f, _ := tdmrep.ParseFile(strings.NewReader(`[{"location": "/", "tdm-reservation": 1, "tdm-policy": "https://example.com/policy.json"}]`))
	header := http.Header{"Tdm-Reservation": {"0"}}

	r := tdmrep.Resolve(
		f.Lookup("https://example.com/articles/1"),
		tdmrep.ParseHeader(header),
		tdmrep.ParseMeta(nil, nil), // no meta elements
	)
	fmt.Printf("reservation %v from %v (raw %q)\n", r.Reservation, r.From.Source, r.From.Raw)
	fmt.Printf("policy %s from %v\n", r.Policy, r.PolicyFrom.Source)
	// Output:
	// reservation 0 from header (raw "0")
	// policy https://example.com/policy.json from tdmrep.json
}

func ExampleParseHeader() {
	s := tdmrep.ParseHeader(http.Header{"Tdm-Reservation": {"1", "0"}})
	fmt.Printf("%v %q\n", s.Reservation, s.Raw)
	// Output: unset "1, 0"
}
