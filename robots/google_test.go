package robots_test

import (
	"testing"

	"github.com/gpai-project/gpai/robots"
)

// googleCase is one expectation of the published google/robotstxt test
// suite (robots_test.cc), decided with the Google profile on a full URL.
type googleCase struct {
	test   string // the upstream TEST name
	robots string
	agent  string
	url    string
	want   bool
}

const (
	groupsTxt = "allow: /foo/bar/\n\nuser-agent: FooBot\ndisallow: /\nallow: /x/\nuser-agent: BarBot\ndisallow: /\nallow: /y/\n\n\nallow: /w/\nuser-agent: BazBot\n\nuser-agent: FooBot\nallow: /z/\ndisallow: /\n"
	fishTxt   = "user-agent: FooBot\ndisallow: /\nallow: /fish\n"
	fishStar  = "user-agent: FooBot\ndisallow: /\nallow: /fish*\n"
	fishSlash = "user-agent: FooBot\ndisallow: /\nallow: /fish/\n"
	phpTxt    = "user-agent: FooBot\ndisallow: /\nallow: /*.php\n"
	phpEnd    = "user-agent: FooBot\ndisallow: /\nallow: /*.php$\n"
	fishPhp   = "user-agent: FooBot\ndisallow: /\nallow: /fish*.php\n"
)

var googleCases = []googleCase{
	{"GoogleOnly_SystemTest", "", "FooBot", "", true},
	{"GoogleOnly_SystemTest", "user-agent: FooBot\ndisallow: /\n", "", "", true},
	{"GoogleOnly_SystemTest", "user-agent: FooBot\ndisallow: /\n", "FooBot", "", false},
	{"GoogleOnly_SystemTest", "", "", "", true},
	{"ID_LineSyntax_Line", "user-agent: FooBot\ndisallow: /\n", "FooBot", "http://foo.bar/x/y", false},
	{"ID_LineSyntax_Line", "foo: FooBot\nbar: /\n", "FooBot", "http://foo.bar/x/y", true},
	{"ID_LineSyntax_Line", "user-agent FooBot\ndisallow /\n", "FooBot", "http://foo.bar/x/y", false},
	{"ID_LineSyntax_Groups", groupsTxt, "FooBot", "http://foo.bar/x/b", true},
	{"ID_LineSyntax_Groups", groupsTxt, "FooBot", "http://foo.bar/z/d", true},
	{"ID_LineSyntax_Groups", groupsTxt, "FooBot", "http://foo.bar/y/c", false},
	{"ID_LineSyntax_Groups", groupsTxt, "BarBot", "http://foo.bar/y/c", true},
	{"ID_LineSyntax_Groups", groupsTxt, "BarBot", "http://foo.bar/w/a", true},
	{"ID_LineSyntax_Groups", groupsTxt, "BarBot", "http://foo.bar/z/d", false},
	{"ID_LineSyntax_Groups", groupsTxt, "BazBot", "http://foo.bar/z/d", true},
	{"ID_LineSyntax_Groups", groupsTxt, "FooBot", "http://foo.bar/foo/bar/", false},
	{"ID_LineSyntax_Groups", groupsTxt, "BarBot", "http://foo.bar/foo/bar/", false},
	{"ID_LineSyntax_Groups", groupsTxt, "BazBot", "http://foo.bar/foo/bar/", false},
	{"ID_LineSyntax_Groups_OtherRules", "User-agent: BarBot\nSitemap: https://foo.bar/sitemap\nUser-agent: *\nDisallow: /\n", "FooBot", "http://foo.bar/", false},
	{"ID_LineSyntax_Groups_OtherRules", "User-agent: BarBot\nSitemap: https://foo.bar/sitemap\nUser-agent: *\nDisallow: /\n", "BarBot", "http://foo.bar/", false},
	{"ID_LineSyntax_Groups_OtherRules", "User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: *\nDisallow: /\n", "FooBot", "http://foo.bar/", false},
	{"ID_LineSyntax_Groups_OtherRules", "User-agent: FooBot\nInvalid-Unknown-Line: unknown\nUser-agent: *\nDisallow: /\n", "BarBot", "http://foo.bar/", false},
	{"ID_REPLineNamesCaseInsensitive", "USER-AGENT: FooBot\nALLOW: /x/\nDISALLOW: /\n", "FooBot", "http://foo.bar/x/y", true},
	{"ID_REPLineNamesCaseInsensitive", "uSeR-aGeNt: FooBot\nAlLoW: /x/\ndIsAlLoW: /\n", "FooBot", "http://foo.bar/a/b", false},
	{"ID_UserAgentValueCaseInsensitive", "User-Agent: FOO BAR\nAllow: /x/\nDisallow: /\n", "Foo", "http://foo.bar/x/y", true},
	{"ID_UserAgentValueCaseInsensitive", "User-Agent: foo bar\nAllow: /x/\nDisallow: /\n", "foo", "http://foo.bar/a/b", false},
	{"ID_UserAgentValueCaseInsensitive", "User-Agent: FoO bAr\nAllow: /x/\nDisallow: /\n", "foo", "http://foo.bar/x/y", true},
	{"GoogleOnly_AcceptUserAgentUpToFirstSpace", "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n", "Foo", "http://foo.bar/x/y", true},
	{"GoogleOnly_AcceptUserAgentUpToFirstSpace", "User-Agent: *\nDisallow: /\nUser-Agent: Foo Bar\nAllow: /x/\nDisallow: /\n", "Foo Bar", "http://foo.bar/x/y", false},
	{"ID_GlobalGroups_Secondary", "", "FooBot", "http://foo.bar/x/y", true},
	{"ID_GlobalGroups_Secondary", "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n", "FooBot", "http://foo.bar/x/y", false},
	{"ID_GlobalGroups_Secondary", "user-agent: *\nallow: /\nuser-agent: FooBot\ndisallow: /\n", "BarBot", "http://foo.bar/x/y", true},
	{"ID_GlobalGroups_Secondary", "user-agent: FooBot\nallow: /\nuser-agent: BarBot\ndisallow: /\nuser-agent: BazBot\ndisallow: /\n", "QuxBot", "http://foo.bar/x/y", true},
	{"ID_AllowDisallow_Value_CaseSensitive", "user-agent: FooBot\ndisallow: /x/\n", "FooBot", "http://foo.bar/x/y", false},
	{"ID_AllowDisallow_Value_CaseSensitive", "user-agent: FooBot\ndisallow: /X/\n", "FooBot", "http://foo.bar/x/y", true},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/\n", "FooBot", "http://foo.bar/x/page.html", false},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", "http://foo.bar/x/page.html", true},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /x/page.html\ndisallow: /x/\n", "FooBot", "http://foo.bar/x/", false},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: \nallow: \n", "FooBot", "http://foo.bar/x/page.html", true},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: /\nallow: /\n", "FooBot", "http://foo.bar/x/page.html", true},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "http://foo.bar/x", false},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: /x\nallow: /x/\n", "FooBot", "http://foo.bar/x/", true},
	{"ID_LongestMatch", "user-agent: FooBot\ndisallow: /x/page.html\nallow: /x/page.html\n", "FooBot", "http://foo.bar/x/page.html", true},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "http://foo.bar/page.html", false},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /page\ndisallow: /*.html\n", "FooBot", "http://foo.bar/page", true},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", "http://foo.bar/x/page.html", true},
	{"ID_LongestMatch", "user-agent: FooBot\nallow: /x/page.\ndisallow: /*.html\n", "FooBot", "http://foo.bar/x/y.html", false},
	{"ID_LongestMatch", "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n", "FooBot", "http://foo.bar/x/page", true},
	{"ID_LongestMatch", "User-agent: *\nDisallow: /x/\nUser-agent: FooBot\nDisallow: /y/\n", "FooBot", "http://foo.bar/y/page", false},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar?qux=taz&baz=http://foo.bar?tar&par\n", "FooBot", "http://foo.bar/foo/bar?qux=taz&baz=http://foo.bar?tar&par", true},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n", "FooBot", "http://foo.bar/foo/bar/%E3%83%84", true},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/ツ\n", "FooBot", "http://foo.bar/foo/bar/ツ", false},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n", "FooBot", "http://foo.bar/foo/bar/%E3%83%84", true},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%E3%83%84\n", "FooBot", "http://foo.bar/foo/bar/ツ", false},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n", "FooBot", "http://foo.bar/foo/bar/baz", false},
	{"ID_Encoding", "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n", "FooBot", "http://foo.bar/foo/bar/%62%61%7A", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "http://foo.bar/foo/bar/quz", false},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "http://foo.bar/foo/quz", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "http://foo.bar/foo//quz", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar/quz\nAllow: /foo/*/qux\n", "FooBot", "http://foo.bar/foo/bax/quz", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "http://foo.bar/foo/bar", false},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "http://foo.bar/foo/bar/qux", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "http://foo.bar/foo/bar/", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\nDisallow: /foo/bar$\nAllow: /foo/bar/qux\n", "FooBot", "http://foo.bar/foo/bar/baz", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", "http://foo.bar/foo/bar", true},
	{"ID_SpecialCharacters", "User-agent: FooBot\n# Disallow: /\nDisallow: /foo/quz#qux\nAllow: /\n", "FooBot", "http://foo.bar/foo/quz", false},
	{"GoogleOnly_IndexHTMLisDirectory", "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n", "foobot", "http://foo.com/allowed-slash/", true},
	{"GoogleOnly_IndexHTMLisDirectory", "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n", "foobot", "http://foo.com/allowed-slash/index.htm", false},
	{"GoogleOnly_IndexHTMLisDirectory", "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n", "foobot", "http://foo.com/allowed-slash/index.html", true},
	{"GoogleOnly_IndexHTMLisDirectory", "User-Agent: *\nAllow: /allowed-slash/index.html\nDisallow: /\n", "foobot", "http://foo.com/anyother-url", false},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fish", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fish.html", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fish/salmon.html", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fishheads", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fishheads/yummy.html", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/fish.html?id=anything", true},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/Fish.asp", false},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/catfish", false},
	{"GoogleOnly_DocumentationChecks", fishTxt, "FooBot", "http://foo.bar/?id=fish", false},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/fish", true},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/fishheads/yummy.html", true},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/Fish.bar", false},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/catfish", false},
	{"GoogleOnly_DocumentationChecks", fishStar, "FooBot", "http://foo.bar/?id=fish", false},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish/", true},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish/salmon", true},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish/?salmon", true},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish/salmon.html", true},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish/?id=anything", true},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish", false},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/fish.html", false},
	{"GoogleOnly_DocumentationChecks", fishSlash, "FooBot", "http://foo.bar/Fish/Salmon.html", false},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/filename.php", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/folder/filename.php", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/folder/filename.php?parameters", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar//folder/any.php.file.html", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/filename.php/", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/index?f=filename.php/", true},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/php/", false},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/index?php", false},
	{"GoogleOnly_DocumentationChecks", phpTxt, "FooBot", "http://foo.bar/windows.PHP", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/filename.php", true},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/folder/filename.php", true},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/filename.php?parameters", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/filename.php/", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/filename.php5", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/php/", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/filename?php", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar/aaaphpaaa", false},
	{"GoogleOnly_DocumentationChecks", phpEnd, "FooBot", "http://foo.bar//windows.PHP", false},
	{"GoogleOnly_DocumentationChecks", fishPhp, "FooBot", "http://foo.bar/bar", false},
	{"GoogleOnly_DocumentationChecks", fishPhp, "FooBot", "http://foo.bar/fish.php", true},
	{"GoogleOnly_DocumentationChecks", fishPhp, "FooBot", "http://foo.bar/fishheads/catfish.php?parameters", true},
	{"GoogleOnly_DocumentationChecks", fishPhp, "FooBot", "http://foo.bar/Fish.PHP", false},
	{"GoogleOnly_DocumentationChecks", "user-agent: FooBot\nallow: /p\ndisallow: /\n", "FooBot", "http://example.com/page", true},
	{"GoogleOnly_DocumentationChecks", "user-agent: FooBot\nallow: /folder\ndisallow: /folder\n", "FooBot", "http://example.com/folder/page", true},
	{"GoogleOnly_DocumentationChecks", "user-agent: FooBot\nallow: /page\ndisallow: /*.htm\n", "FooBot", "http://example.com/page.htm", false},
	{"GoogleOnly_DocumentationChecks", "user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/", true},
	{"GoogleOnly_DocumentationChecks", "user-agent: FooBot\nallow: /$\ndisallow: /\n", "FooBot", "http://example.com/page.html", false},
}

// TestGoogleSuite runs the expectations of google/robotstxt's robots_test.cc
// (optout.md §2 and §6) against the Google profile.
func TestGoogleSuite(t *testing.T) {
	for _, tt := range googleCases {
		f := robots.ParseString(tt.robots)
		if got := f.DecideURL(tt.agent, tt.url, robots.Google); got.Allowed != tt.want {
			t.Errorf("%s: DecideURL(%q, %q, Google) on %q = %v, want allowed=%v", tt.test, tt.agent, tt.url, tt.robots, got, tt.want)
		}
	}
}

// TestGoogleBOMCounts checks the directive counts of upstream
// ID_UTF8ByteOrderMarkIsSkipped and ID_NonStandardLineExample_Sitemap.
func TestGoogleBOMCounts(t *testing.T) {
	tests := []struct {
		name          string
		robots        string
		valid, broken int // Google's directives: known, unknown
	}{
		{"full BOM", "\xEF\xBB\xBFUser-Agent: foo\nAllow: /AnyValue\n", 2, 0},
		{"partial BOM 2", "\xEF\xBBUser-Agent: foo\nAllow: /AnyValue\n", 2, 0},
		{"partial BOM 1", "\xEFUser-Agent: foo\nAllow: /AnyValue\n", 2, 0},
		{"broken BOM", "\xEF\x11\xBFUser-Agent: foo\nAllow: /AnyValue\n", 1, 1},
		{"BOM in the middle", "User-Agent: foo\n\xEF\xBB\xBFAllow: /AnyValue\n", 1, 1},
	}
	for _, tt := range tests {
		f := robots.ParseString(tt.robots)
		valid, broken := 0, 0
		for _, r := range f.Records {
			switch r.Google {
			case robots.Other:
				broken++
			case robots.Invalid:
			default:
				valid++
			}
		}
		if valid != tt.valid || broken != tt.broken {
			t.Errorf("%s: Google directives %d known, %d unknown; want %d, %d", tt.name, valid, broken, tt.valid, tt.broken)
		}
	}
	f := robots.ParseString("Sitemap: http://foo.bar/sitemap.xml\nUser-Agent: foo\nAllow: /some/path\nUser-Agent: bar\n\n\n")
	if len(f.Sitemaps) != 1 || f.Sitemaps[0] != "http://foo.bar/sitemap.xml" {
		t.Errorf("Sitemaps = %q", f.Sitemaps)
	}
}
