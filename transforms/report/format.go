package report

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// numbers groups digits in thousands; x/text's printer rather than hand-written grouping.
var numbers = message.NewPrinter(language.English)

// count formats an integer with thousands separators: 1,234,567.
func count(n int64) string { return numbers.Sprintf("%d", n) }

// signed formats a change with its sign: +12, -3, 0.
func signed(n int64) string {
	if n > 0 {
		return "+" + count(n)
	}
	return count(n)
}

// yuan formats an amount in fen as yuan for people: ¥1,234.56 (exact: integer arithmetic).
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%s.%02d", sign, count(fen/100), fen%100)
}

// yuanF formats an amount in fen held as a float (a mean), rounded to the fen.
func yuanF(fen float64) string { return yuan(int64(math.Round(fen))) }

// toYuan is an amount in fen as yuan for a chart's axis, rounded to the fen.
func toYuan(fen int64) float64 { return float64(fen) / 100 }

// percent formats a share 0 to 1 as a percentage with one decimal: 12.3%.
func percent(share float64) string { return fmt.Sprintf("%.1f%%", share*100) }

// ratio is a/b, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// label makes a code readable: first_purchase → first purchase.
func label(code string) string { return strings.ReplaceAll(code, "_", " ") }
