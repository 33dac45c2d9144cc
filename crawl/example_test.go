package crawl_test

import (
	"fmt"
	"strings"

	"github.com/gpai-project/gpai/crawl"
)

func ExampleParseSitemap() {
	sm, err := crawl.ParseSitemap(strings.NewReader(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/</loc></url>
  <url><loc>https://example.com/news/1</loc><lastmod>2026-05-01</lastmod></url>
</urlset>`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sm.Index, sm.URLs)
	// Output:
	// false [https://example.com/ https://example.com/news/1]
}

func ExampleIdentity_Validate() {
	id := crawl.Identity{Tokens: []string{"LumenBot"}, UserAgent: "Mozilla/5.0 (compatible; LumenBot/1.0; +https://lumen.example/bot)"}
	fmt.Println(id.Validate())
	id.UserAgent = "curl/8.0"
	fmt.Println(id.Validate())
	// Output:
	// <nil>
	// crawl: the User-Agent "curl/8.0" does not contain the product token "LumenBot" (RFC 9309 section 2.2.1)
}
