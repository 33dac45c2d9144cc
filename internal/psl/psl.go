// Package psl answers one question about the Public Suffix List that
// golang.org/x/net/publicsuffix does not: whether a name is a node of the
// list's tree, that is, whether some rule is that name or ends in it.
//
// A registered domain d (an eTLD+1) that is not a node is closed: every
// name below it, x.d, has d as its registered domain too, because the
// list's lookup, which reads labels from the right, stops within d's
// labels for x.d exactly as for d. Crawl statistics use this to skip the
// lookup for each of the many host names of a site (www.example.com,
// shop.example.com, ...) once one of them has been looked up. A domain
// that is a node, such as amazonaws.com (s3.amazonaws.com is a rule),
// is not closed and every name below it must be looked up.
//
// The nodes are those of the list that golang.org/x/net/publicsuffix
// embeds, at the version in go.mod; TestNodes checks that nodes.txt was
// generated from it and rewrites it under -update.
package psl

import (
	_ "embed"
	"strings"
	"sync"
)

//go:embed nodes.txt
var nodesText string

var nodes = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 10000)
	for line := range strings.Lines(nodesText) {
		line = strings.TrimSuffix(line, "\n")
		if line != "" && line[0] != '#' {
			m[line] = struct{}{}
		}
	}
	return m
})

// IsNode reports whether name, in lower case without a trailing dot, is
// a node of the Public Suffix List's tree with at least two labels: a
// rule (normal, wildcard or exception) or a proper suffix of one.
func IsNode(name string) bool {
	_, ok := nodes()[name]
	return ok
}
