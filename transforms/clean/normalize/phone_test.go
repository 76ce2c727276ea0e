package normalize

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/nyaruka/phonenumbers"
)

func TestPhone(t *testing.T) {
	ok := []struct{ raw, region, want string }{
		{"+86 138-0013-8000", "CN", "+8613800138000"},
		{"8613800138000", "CN", "+8613800138000"},
		{"+8613800138000", "CN", "+8613800138000"},
		{"008613800138000", "CN", "+8613800138000"},
		{"138 0013 8000", "CN", "+8613800138000"},
		{"(138)0013-8000", "CN", "+8613800138000"},
		{"(+86)13800138000", "CN", "+8613800138000"},
		{"( +86 ) 138 0013 8000", "CN", "+8613800138000"},
		{"１３８００１３８０００", "CN", "+8613800138000"},
		{"＋８６　１３８－００１３－８０００", "CN", "+8613800138000"},
		{" 13800138000\x00 ", "", "+8613800138000"},
		{"13800138000", "", "+8613800138000"},
		{"010-12345678", "CN", "+861012345678"},
		{"+44 20 7946 0018", "CN", "+442079460018"},
		{"(415) 555-2671", "US", "+14155552671"},
	}
	for _, c := range ok {
		got, err := Phone(c.raw, c.region)
		if err != nil || got != c.want {
			t.Errorf("Phone(%q, %q) = %q, %v; want %q", c.raw, c.region, got, err, c.want)
		}
	}
	bad := []struct{ raw, why string }{
		{"", "empty"},
		{"  \u3000 ", "empty"},
		{"12345", "not a valid number"},
		{"1234", "too short"},
		{"138", "too short"},
		{"1380013800012345678", "too long"},
		{"12800138000", "not a valid number"},
		{"13800138000 ext. 12", "unexpected character"},
		{"1-800-FLOWERS", "unexpected character"},
		{"138+00138000", "unexpected character"},
		{"(138)+00138000", "unexpected character"},
		{"(+86)+13800138000", "unexpected character"},
		{"\xff\xfe", "unexpected character"},
	}
	for _, c := range bad {
		got, err := Phone(c.raw, "CN")
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("Phone(%q) = %q, %v; want error containing %q", c.raw, got, err, c.why)
		}
	}
	if _, err := Phone("12345", "CN"); err == nil ||
		err.Error() != `phone "12345": not a valid number` {
		t.Errorf("error text: %v", err)
	}
}

func TestIsMobileCN(t *testing.T) {
	for in, want := range map[string]bool{
		"+8613800138000":  true,
		"+8619912345678":  true,
		"+861012345678":   false,
		"+8612800138000":  false,
		"13800138000":     false,
		"+86 13800138000": false,
		"+14155552671":    false,
		"":                false,
	} {
		if got := IsMobileCN(in); got != want {
			t.Errorf("IsMobileCN(%q) = %v", in, got)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"+8613812345678": "138****5678",
		"+861012345678":  "+86 10******78",
		"+442079460018":  "+44 20******18",
		"+14155552671":   "+1 41******71",
		"garbage":        "****",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneHint(t *testing.T) {
	for in, want := range map[string]string{
		"138****5678":     "138****5678",
		"138xxxx5678":     "138****5678",
		"138XXXX5678":     "138****5678",
		"138＊＊＊＊5678":     "138****5678",
		"138 **** 5678":   "138****5678",
		"尾号5678":          "****5678",
		"手机尾号：5678":       "****5678",
		"****5678":        "****5678",
		"5678":            "****5678",
		"１３８＊＊＊＊５６７８":     "138****5678",
		"13812345678":     "138****5678",
		"+86 138****5678": "138****5678",
		"13****5678":      "****5678",
	} {
		got, err := PhoneHint(in)
		if err != nil || got != want {
			t.Errorf("PhoneHint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "138****567", "138****56789", "567", "56789", "********",
		"138****", "abc5678", "138**5678x", "\xff5678"} {
		if got, err := PhoneHint(in); err == nil {
			t.Errorf("PhoneHint(%q) = %q, want error", in, got)
		}
	}
}

// TestIsMobileCNRemembers checks that remembered answers are the library's, from several goroutines
// at once, and that a remembered number does not keep the string it was cut from.
func TestIsMobileCNRemembers(t *testing.T) {
	numbers := []string{
		"+8613800138000",
		"+8619912345678",
		"+8612800138000",
		"+8675512345678",
		"+8617400012345",
	}
	want := map[string]bool{}
	for _, n := range numbers {
		num, err := phonenumbers.Parse(n, "ZZ")
		want[n] = err == nil && phonenumbers.GetNumberType(num) == phonenumbers.MOBILE
	}
	if !want["+8613800138000"] || want["+8675512345678"] {
		t.Fatalf("library answers %v: the test numbers are not what they seem", want)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 3; i++ {
				for _, n := range numbers {
					if got := IsMobileCN(n); got != want[n] {
						t.Errorf("IsMobileCN(%q) = %v, library says %v", n, got, want[n])
					}
				}
			}
		}()
	}
	wg.Wait()
	line := `{"phone":"+8618612345678"}`
	cut := line[10:24]
	IsMobileCN(cut)
	mobiles.Lock()
	defer mobiles.Unlock()
	for k := range mobiles.answers {
		if k == cut && unsafe.StringData(k) == unsafe.StringData(cut) {
			t.Errorf("the remembered %q shares the memory of the line it was cut from", k)
		}
	}
	if _, ok := mobiles.answers[cut]; !ok {
		t.Errorf("%q was not remembered", cut)
	}
}

// BenchmarkIsMobileCN asks about 1,000 numbers over and over, as the nightly asks about each phone
// several times: remembered answers against libphonenumber's type detection every time.
func BenchmarkIsMobileCN(b *testing.B) {
	numbers := make([]string, 1000)
	for i := range numbers {
		numbers[i] = fmt.Sprintf("+86138%08d", i*7919)
	}
	b.Run("remembered", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			IsMobileCN(numbers[i%len(numbers)])
		}
	})
	b.Run("library", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			num, err := phonenumbers.Parse(numbers[i%len(numbers)], "ZZ")
			_ = err == nil && phonenumbers.GetNumberType(num) == phonenumbers.MOBILE
		}
	})
}
