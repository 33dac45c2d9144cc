// Package htmlmeta extracts the metadata that machine-readable rights
// reservations use from an HTML document: <meta name content> pairs (robots,
// tdm-reservation, tdm-policy and any other name), <link rel href> elements,
// and schema.org isAccessibleForFree statements from JSON-LD script blocks
// and microdata.
//
// The extractor streams the document through the tokenizer of
// golang.org/x/net/html. It stops at the end of the head (a </head> end tag
// or a <body> start tag) or after [DefaultMaxBytes], so a huge page is never
// read whole; [Config.Body] makes it read on through the body, within the
// same byte limit, for structured data placed there. It builds no tree and
// never fetches anything.
//
// The package does not interpret what it extracts: package tdmrep reads the
// tdm-* meta elements and package noai the robots meta elements.
package htmlmeta
