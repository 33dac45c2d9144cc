package ccparquet_test

import (
	"bytes"
	"fmt"
	"os"

	"github.com/gpai-project/gpai/ccparquet"
)

func Example() {
	file, err := os.Open("testdata/cc300.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer file.Close()
	fi, _ := file.Stat()
	f, err := ccparquet.Open(file, fi.Size())
	if err != nil {
		fmt.Println(err)
		return
	}
	var rows, bytes int64
	for i := range f.NumRowGroups() {
		rg := f.RowGroup(i)
		for rg.Next() {
			rows++
			bytes += rg.Row().Length
		}
		if err := rg.Err(); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(rows, "rows,", bytes, "bytes")
	// Output: 300 rows, 5161563 bytes
}

// Batches serve a caller that aggregates many rows: here, the bytes per
// domain, with the host where the domain is missing.
func ExampleRowGroupReader_NextBatch() {
	b, err := os.ReadFile("testdata/cc300.parquet")
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := ccparquet.Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		fmt.Println(err)
		return
	}
	bytesOf := map[string]int64{}
	for i := range f.NumRowGroups() {
		rg := f.RowGroup(i)
		for rg.NextBatch() {
			batch := rg.Batch()
			var hosts *ccparquet.Strings
			if !batch.Domain.Full {
				if hosts = rg.Hosts(); hosts == nil {
					break // rg.Err tells why
				}
			}
			for k, n := range batch.Length {
				if id := batch.Domain.ID[k]; id >= 0 {
					bytesOf[string(batch.Domain.Value(id))] += n
				} else if id := hosts.ID[k]; id >= 0 {
					bytesOf[string(hosts.Value(id))] += n
				}
			}
		}
		if err := rg.Err(); err != nil {
			fmt.Println(err)
			return
		}
	}
	var total int64
	for _, n := range bytesOf {
		total += n
	}
	fmt.Println(len(bytesOf), "domains,", total, "bytes")
	// Output: 40 domains, 5161563 bytes
}
