package warc_test

import (
	"fmt"
	"os"

	"github.com/gpai-project/gpai/warc"
)

func ExampleReader() {
	f, err := os.Open("testdata/sample.warc.gz")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	r := warc.NewReader(f)
	for r.Next() {
		rec := r.Record()
		if rec.Type == "response" {
			fmt.Println(rec.TargetURI, rec.Offset, rec.Length)
		}
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// https://www.example.com/ 340 193
	// http://foo.blogspot.com/a 703 197
	// http//bad/x 1120 163
}
