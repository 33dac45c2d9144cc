package robots_test

import (
	"fmt"
	"strings"

	"github.com/gpai-project/gpai/robots"
)

func Example() {
	f, err := robots.Parse(strings.NewReader(`User-agent: *
Disallow: /private/

User-agent: GPTBot
User-agent: AI2Bot
Content-Usage: train-ai=n
Disallow: /
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Allowed("ExampleBot", "/news/today"))
	fmt.Println(f.Allowed("ExampleBot", "/private/x"))
	fmt.Println(f.Allowed("GPTBot", "/news/today"))
	// Output:
	// true
	// false
	// false
}

func ExampleFile_Decide() {
	f := robots.ParseString("User-agent: *\nAllow: /d/index.html\nDisallow: /\n")
	for _, p := range []robots.Profile{robots.RFC, robots.Google, robots.Strict} {
		fmt.Println(f.Decide("ExampleBot", "/d/", p))
	}
	// Output:
	// disallowed (rfc): line 3 "Disallow: /" in * group at line 1
	// allowed (google): line 2 "Allow: /d/index.html" (index.html rule) in * group at line 1
	// disallowed (rfc): line 3 "Disallow: /" in * group at line 1
}

func ExampleFile_GroupsFor() {
	f := robots.ParseString("User-agent: *\nContent-Signal: ai-train=no\nAllow: /\n\nUser-agent: CCBot\nContent-Usage: train-ai=n\nDisallow: /\n")
	idx, scope := f.GroupsFor("CCBot")
	for _, r := range f.Records {
		for _, i := range idx {
			if r.Group == i && r.Kind == robots.Other {
				fmt.Printf("%s line %d: %s=%s\n", scope, r.Line, r.Key, r.Value)
			}
		}
	}
	// Output:
	// agent line 6: Content-Usage=train-ai=n
}

func ExamplePath() {
	fmt.Println(robots.Path("https://www.example.com/a/b?c=d#section"))
	// Output:
	// /a/b?c=d
}
