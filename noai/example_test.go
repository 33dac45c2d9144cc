package noai_test

import (
	"fmt"
	"net/http"

	"github.com/gpai-project/gpai/noai"
)

func ExampleReserved() {
	h := http.Header{"X-Robots-Tag": {"noindex", "GPTBot: noai"}}
	dirs := noai.ParseHeader(h)
	dirs = append(dirs, noai.ParseMeta("robots", "noimageai")...)

	for _, agent := range []string{"GPTBot", "CCBot"} {
		r := noai.Reserved(dirs, agent)
		fmt.Printf("%s: text %v, images %v\n", agent, r.Text, r.Images)
		for _, d := range r.Evidence {
			fmt.Printf("  %s from %v %q\n", d.Name, d.Source, d.Raw)
		}
	}
	// Output:
	// GPTBot: text true, images true
	//   noai from X-Robots-Tag "GPTBot: noai"
	//   noimageai from meta "noimageai"
	// CCBot: text false, images true
	//   noimageai from meta "noimageai"
}
