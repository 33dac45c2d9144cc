package ccparquet_test

import (
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
