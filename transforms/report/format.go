package report

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/shopportraits/portraits/transforms/sources"
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

// currencyFormat is how the page writes the run's money: amounts are integers in the minor unit
// of the manifest's currency (fen for CNY), shown in the major unit with the currency's symbol.
type currencyFormat struct {
	Code   string // ISO 4217
	Symbol string // ¥, R$, US$..., or the code and a space where CLDR has no symbol
	Digits int    // decimals of the minor unit: 2 for CNY, 0 for JPY
}

// perMajor is how many minor units make one major unit: 100 for fen, 1 for yen.
func (c currencyFormat) perMajor() int64 { return int64(math.Pow10(c.Digits)) }

// currencyOf is the format of an ISO 4217 code, from CLDR's data in golang.org/x/text/currency
// (symbols and minor units of every currency, kept current by the Go team, rather than a table
// of our own). The symbol is the narrow one (¥, $, R$), except that a dollar other than the US
// one keeps its prefix (HK$, NT$, CA$); an unknown code is shown as CNY's.
func currencyOf(code string) currencyFormat {
	unit, err := currency.ParseISO(code)
	if err != nil {
		unit, code = currency.CNY, "CNY"
	}
	p := message.NewPrinter(language.English)
	symbol := p.Sprint(currency.NarrowSymbol(unit))
	if symbol == "$" && unit != currency.USD {
		symbol = p.Sprint(currency.Symbol(unit))
	}
	if symbol == code {
		symbol += " "
	}
	digits, _ := currency.Standard.Rounding(unit)
	return currencyFormat{Code: code, Symbol: symbol, Digits: digits}
}

// money is the currency of the report being built (see speak): CNY outside a build.
var money = currencyOf(sources.DefaultCurrency)

// amount formats an amount in minor units for people, in the major unit with the currency's
// symbol: ¥1,234.56, R$25,081.30, ¥1,235 for yen (exact: integer arithmetic).
func amount(minor int64) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if money.Digits == 0 {
		return sign + money.Symbol + count(minor)
	}
	scale := money.perMajor()
	return fmt.Sprintf("%s%s%s.%0*d", sign, money.Symbol, count(minor/scale), money.Digits,
		minor%scale)
}

// amountF formats an amount in minor units held as a float (a mean), rounded to the minor unit.
func amountF(minor float64) string { return amount(int64(math.Round(minor))) }

// toMajor is an amount in minor units in the major unit, for a chart's axis.
func toMajor(minor int64) float64 { return float64(minor) / float64(money.perMajor()) }

// majorUnit names the major unit for an axis or a sentence: yuan for CNY, else the ISO code.
func majorUnit() string {
	if money.Code == "CNY" {
		return tr("yuan")
	}
	return money.Code
}

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
