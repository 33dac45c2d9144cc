package htmlmeta_test

import (
	"fmt"
	"strings"

	"github.com/gpai-project/gpai/htmlmeta"
)

func ExampleParse() {
	const page = `<!doctype html>
<html><head>
<meta name="robots" content="noai, noimageai">
<meta name="tdm-reservation" content="1">
<link rel="license" href="https://example.com/terms">
<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>
</head><body>...</body></html>`

	d, err := htmlmeta.Parse(strings.NewReader(page))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("robots:", d.Content("robots"))
	fmt.Println("tdm-reservation:", d.Content("tdm-reservation"))
	fmt.Println("license:", d.LinksWithRel("license")[0].Href)
	for _, a := range d.Access {
		fmt.Printf("%s isAccessibleForFree=%v (%s, line %d)\n", a.Type, a.Free, a.Format, a.Line)
	}
	// Output:
	// robots: [noai, noimageai]
	// tdm-reservation: [1]
	// license: https://example.com/terms
	// NewsArticle isAccessibleForFree=false (json-ld, line 6)
}
