package erase

import (
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
	"github.com/shopportraits/portraits/transforms/resolve/identity"
)

func TestParse(t *testing.T) {
	in := "\ufefftype,value\n# a comment\n\nphone,+86 138-1234-5678\nemail, Li@QQ.com \naccount,42\n" +
		"phone,13812345678\n"
	got, err := Parse(strings.NewReader(in), "erase.csv", "s", "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		normalize.Hash("s", identity.Key(identity.Phone, "+8613812345678")): true,
		normalize.Hash("s", identity.Key(identity.Email, "li@qq.com")):      true,
		normalize.Hash("s", identity.Key(identity.Account, "42")):           true,
	}
	if len(got) != len(want) {
		t.Fatalf(
			"got %d hashes, want %d (the two spellings of one phone are one)",
			len(got),
			len(want),
		)
	}
	for _, h := range got {
		if !want[h] {
			t.Errorf("unexpected hash %s", h)
		}
	}
}

func TestParseErrorsNameTheLineNotTheValue(t *testing.T) {
	for _, in := range []string{"phone,not-a-phone-13812345678x\n", "passport,E1234567\n",
		"phone\n", "email,\n"} {
		_, err := Parse(strings.NewReader(in), "erase.csv", "s", "")
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		if !strings.Contains(err.Error(), "erase.csv line 1") {
			t.Errorf("%q: %v does not name the file and line", in, err)
		}
		if _, value, _ := strings.Cut(strings.TrimSpace(in), ","); value != "" &&
			strings.Contains(err.Error(), value) {
			t.Errorf("%q: the error repeats the value: %v", in, err)
		}
	}
}

// TestParseReadsPhonesInTheSourcesRegion: a request's phone without a country code is read in the
// region the sources' phones are, so it finds the person a US shop knows by (212) 555-0101.
func TestParseReadsPhonesInTheSourcesRegion(t *testing.T) {
	got, err := Parse(strings.NewReader("phone,(212) 555-0101\n"), "erase.csv", "s", "US")
	want := normalize.Hash("s", identity.Key(identity.Phone, "+12125550101"))
	if err != nil || len(got) != 1 || got[0] != want {
		t.Errorf("got %v, %v; want the hash of +12125550101", got, err)
	}
}
