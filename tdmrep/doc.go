// Package tdmrep implements the TDM Reservation Protocol (TDMRep), the W3C
// TDM Reservation Protocol Community Group Final Report of 10 May 2024
// (https://www.w3.org/2022/tdmrep/).
//
// TDMRep expresses the reservation of text and data mining rights under
// Article 4(3) of Directive (EU) 2019/790 with two properties:
// tdm-reservation (1 = reserved, 0 = not reserved) and tdm-policy (the URL of
// a TDM policy). A publisher states them in a site-wide file,
// /.well-known/tdmrep.json, in HTTP response header fields, in HTML meta
// elements, or in EPUB and PDF metadata.
//
// The package parses each of these forms into a [Statement] and [Resolve]
// combines statements with the protocol's processing priority: the
// well-known file first, then the header, then HTML, then embedded
// metadata, where a later source supersedes an earlier one only for the
// properties it actually sets.
//
//	file, err := tdmrep.ParseFile(body) // body of /.well-known/tdmrep.json
//	...
//	r := tdmrep.Resolve(
//		file.Lookup(u.RequestURI()),
//		tdmrep.ParseHeader(resp.Header),
//		tdmrep.ParseMeta(metaReservation, metaPolicy),
//	)
//	if r.Reservation == tdmrep.Reserved { ... }
//
// The package never fetches anything and never panics on malformed input.
// Input sizes are bounded: see [MaxFileSize].
package tdmrep
