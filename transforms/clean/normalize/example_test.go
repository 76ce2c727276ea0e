package normalize_test

import (
	"fmt"
	"time"

	"github.com/shopportraits/portraits/transforms/clean/normalize"
)

// Phone numbers written every common way come out in E.164; what is not a valid number is an
// error that says why.
func ExamplePhone() {
	for _, raw := range []string{"+86 138-0013-8000", "8613800138000", "(+86)13800138000",
		"１３８ ００１３ ８０００"} {
		e164, err := normalize.Phone(raw, "") // "" reads numbers without a country code as CN
		fmt.Println(e164, err)
	}
	_, err := normalize.Phone("138-0013", "")
	fmt.Println(err)
	// Output:
	// +8613800138000 <nil>
	// +8613800138000 <nil>
	// +8613800138000 <nil>
	// +8613800138000 <nil>
	// phone "138-0013": not a valid number
}

// Money becomes integer fen with exact decimal arithmetic, whatever currency marks and
// separators the export wrote.
func ExampleMoney() {
	for _, raw := range []string{"¥1,234.50", "99.9元", "RMB 12"} {
		fen, err := normalize.Money(raw, normalize.Yuan)
		fmt.Println(fen, err)
	}
	fen, err := normalize.Money("1999", normalize.Fen)
	fmt.Println(fen, err)
	_, err = normalize.Money("12.5", normalize.Fen)
	fmt.Println(err)
	// Output:
	// 123450 <nil>
	// 9990 <nil>
	// 1200 <nil>
	// 1999 <nil>
	// money "12.5": amount in minor units must be a whole number
}

// A timestamp without a zone is read in the source's zone; the result is microseconds since the
// epoch, in UTC.
func ExampleTimestamp() {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Epoch seconds (the third) carry their zone, UTC.
	for _, raw := range []string{"2026-11-21 08:30:00", "2026年11月21日 08:30", "1795221000"} {
		us, err := normalize.Timestamp(raw, shanghai)
		fmt.Println(time.UnixMicro(us).UTC().Format(time.RFC3339), err)
	}
	// Output:
	// 2026-11-21T00:30:00Z <nil>
	// 2026-11-21T00:30:00Z <nil>
	// 2026-11-21T00:30:00Z <nil>
}

// E-mails are width-folded, stripped of spaces and lower-cased; phones shown to people are
// masked.
func ExampleEmail() {
	email, err := normalize.Email(" Alice＠QQ．com ")
	fmt.Println(email, err)
	fmt.Println(normalize.MaskPhone("+8613800138000"))
	// Output:
	// alice@qq.com <nil>
	// 138****8000
}
