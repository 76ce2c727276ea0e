package gen

import (
	"path/filepath"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func validMobile(t *testing.T, e164 string) bool {
	t.Helper()
	n, err := phonenumbers.Parse(e164, "CN")
	if err != nil {
		return false
	}
	typ := phonenumbers.GetNumberType(n)
	return phonenumbers.IsValidNumber(n) &&
		(typ == phonenumbers.MOBILE || typ == phonenumbers.FIXED_LINE_OR_MOBILE)
}

func TestPrefixesAreValidMobiles(t *testing.T) {
	var all []string
	all = append(all, mobilePrefixes...)
	all = append(all, strangerPrefixes...)
	for _, p := range all {
		for _, rest := range []string{"00000001", "12345678", "99999999", "50505050"} {
			if !validMobile(t, "+86"+p+rest) {
				t.Errorf("+86%s%s is not a valid CN mobile", p, rest)
			}
		}
	}
}

func TestTruthPhonesAreValid(t *testing.T) {
	recs := csvRecords(t, filepath.Join(sampleDir, "truth/persons.csv.gz"), "utf-8")
	n := 0
	for _, r := range recs[1:] {
		if r[1] == "phone_e164" {
			n++
			if !validMobile(t, r[2]) {
				t.Errorf("%s of %s is not a valid CN mobile", r[2], r[0])
			}
		}
	}
	if n == 0 {
		t.Fatal("no phones in the truth")
	}
}

func TestPhonesUnique(t *testing.T) {
	g := &generator{seed: 3}
	seen := map[string]uint64{}
	for s := uint64(0); s < 50000; s++ {
		for _, slot := range []uint64{s, s + 1<<29} {
			p := g.phone(slot)
			if len(p) != 11 {
				t.Fatalf("phone %q", p)
			}
			if prev, dup := seen[p]; dup {
				t.Fatalf("slots %d and %d share %s", prev, slot, p)
			}
			seen[p] = slot
		}
		if p := g.strangerPhone(s); seen[p] != 0 {
			t.Fatalf("stranger phone %s is a person's", p)
		}
	}
	for _, tp := range testPhones {
		if _, dup := seen[tp]; dup {
			t.Errorf("a person got the test phone %s", tp)
		}
	}
}
