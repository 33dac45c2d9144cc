package cdx_test

import (
	"fmt"
	"strings"

	"github.com/gpai-project/gpai/cdx"
)

func ExampleReader() {
	in := `com,example)/ 20240802103102 {"url": "https://www.example.com/", "status": "200", "length": "1521"}
com,example)/a 20240802103103 {"url": "https://www.example.com/a", "status": "200", "length": "12O4"}
`
	r := cdx.NewReader(strings.NewReader(in))
	for r.Next() {
		rec := r.Record()
		if rec.Kind != cdx.Valid {
			fmt.Printf("line %d: %v\n", r.Line(), rec.Kind)
			continue
		}
		fmt.Printf("%s %d bytes at %d\n", rec.Host, rec.Length, rec.Unix)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// www.example.com 1521 bytes at 1722594662
	// line 2: non_numeric_length
}
