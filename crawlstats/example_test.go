package crawlstats_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gpai-project/gpai/crawlstats"
)

func ExampleRun() {
	st, err := crawlstats.Run(context.Background(), crawlstats.Config{
		Inputs: []string{"testdata/cc5k.cdxj.gz"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d lines, %d records, %d bytes, %d domains\n", st.Lines, st.Records, st.Bytes, len(st.Domains))
	fmt.Println("malformed:", st.Malformed)
	top := st.RuleList(false)
	fmt.Printf("top 10 %%: %d domains, the largest %s\n", len(top), top[0].Name)
	crawlstats.WriteCSV(os.Stdout, top[:3])
	// Output:
	// 5000 lines, 4957 records, 91867072 bytes, 500 domains
	// malformed: map[bad_url:7 missing_length:18 non_numeric_length:8 truncated_json:10]
	// top 10 %: 50 domains, the largest bankarrow.fi
	// domain,records,bytes
	// bankarrow.fi,625,14886673
	// cherry259.org,314,6040137
	// rubyfund.com,215,3834922
}
