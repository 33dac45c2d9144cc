// Package noai reads the noai and noimageai robots directives, introduced by
// DeviantArt in November 2022, from X-Robots-Tag HTTP header fields and
// robots meta elements.
//
// The directives are not a standard and have no grammar of their own: they
// are read like other robots directives, as a comma-separated,
// case-insensitive list, and an X-Robots-Tag value may be scoped to one
// crawler with a product-token prefix ("X-Robots-Tag: googlebot: noindex"),
// a Google convention. noai means the content may not be used in AI
// datasets; noimageai means its images may not. The variant noml, found in
// some tooling, is read like noai. Any of them is a training reservation for
// the content it covers.
//
// The package never fetches anything. [ParseHeader] and [ParseMeta] return
// the directives found, with their source, and [Reserved] answers whether
// text and images are reserved for a crawler.
package noai
