package aipref_test

import (
	"fmt"

	"github.com/gpai-project/gpai/aipref"
)

func ExampleParseHeader() {
	u, err := aipref.ParseHeader("train-ai=n, search=y")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(aipref.TrainAI, u.Get(aipref.TrainAI))
	fmt.Println(aipref.Search, u.Get(aipref.Search))

	_, err = aipref.ParseHeader("TRAIN-AI=n")
	fmt.Println(err)
	// Output:
	// train-ai disallow
	// search allow
	// aipref: offset 0: key must start with a lower-case letter or * in "TRAIN-AI=n"
}

// The example of draft-ietf-aipref-attach: a * group with
// "Content-Usage: train-ai=n" and "Content-Usage: /ai-ok/ train-ai=y".
func ExampleApplicable() {
	var rules []*aipref.Usage
	for i, v := range []string{"train-ai=n", "/ai-ok/ train-ai=y"} {
		u, _ := aipref.ParseRule(v, 9+i) // lines 9 and 10 of robots.txt
		rules = append(rules, u)
	}
	for _, path := range []string{"/test", "/ai-ok/test"} {
		var stmts []aipref.Statement
		for _, u := range aipref.Applicable(rules, path) {
			stmts = append(stmts, u)
		}
		v := aipref.Decide(aipref.PurposeTrainGenAI, stmts...)
		fmt.Printf("%s: %v (line %d)\n", path, v.Preference, v.Evidence[0].Line)
	}
	// Output:
	// /test: disallow (line 9)
	// /ai-ok/test: allow (line 10)
}

func ExampleDecide() {
	header, _ := aipref.ParseHeader("train-ai=y")
	signal, _ := aipref.ParseSignal("search=yes, ai-train=no", 6)

	v := aipref.Decide(aipref.PurposeTrainGenAI, header, signal)
	fmt.Println(v.Preference)
	for _, e := range v.Evidence {
		fmt.Printf("  %v: %s=%s\n", e.Source, e.Key, e.Value)
	}
	// Output:
	// disallow
	//   content-usage header: train-ai=y
	//   robots.txt content-signal: ai-train=no
}
