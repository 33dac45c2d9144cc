package screen_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/gpai-project/gpai/screen"
)

func Example() {
	b, err := screen.NewBuilder(screen.Config{MinWords: 12, K: 4})
	if err != nil {
		log.Fatal(err)
	}
	b.Add(screen.Work{Name: "A Tale of Two Cities", URL: "https://www.gutenberg.org/ebooks/98"},
		"It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness...")
	var file bytes.Buffer
	if _, err := b.WriteTo(&file); err != nil { // in practice, to a file
		log.Fatal(err)
	}

	idx, err := screen.Load(file.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	defer idx.Close()
	output := "Sure! IT WAS THE BEST OF TIMES -- it was the worst of times; it was the age of wisdom. Shall I go on?"
	matches, err := idx.Scan(output, 0)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		fmt.Printf("%d words from %q: %q\n", m.Words, idx.Work(m.Work).Name, output[m.Start:m.End])
	}
	// Output:
	// 18 words from "A Tale of Two Cities": "IT WAS THE BEST OF TIMES -- it was the worst of times; it was the age of wisdom"
}
