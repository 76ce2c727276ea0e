package report

// The page is written in English or simplified Chinese. Every word the page shows is written in
// English where it is built and passed through tr (a fixed string), trf (a sentence with values,
// the format being the key) or trCode (the display name of a code, such as a lifecycle stage);
// in Chinese each is looked up in the catalog of zh.go, keyed by the English text, so that the
// English page is the text of the code, and translating a new string is one line of zh.go.
//
// golang.org/x/text/message rather than a map and fmt: its catalog says when a key is missing
// (which the tests turn into a failure) and falls back to the key, its printer formats the values
// of a translated sentence for the language (digits grouped in Chinese), it has plural and select
// forms should a language need them, and the package already formats its numbers with it. The
// strings live in one Go file, built with catalog.Builder, rather than in gotext's generated
// catalogs: one file to review, no generation step.
//
// The section builders take no language parameter (they keep their signatures, which their tests
// and the chart helpers share): Build sets the language of the words for the time it runs, and
// builds are serialised, so that a string is translated by wrapping it where it stands.

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/shopportraits/portraits/transforms/sources"
)

// The page's languages, the values of Options.Lang.
const (
	English = "en"
	Chinese = "zh"
)

// CheckLang returns an error when lang is not one of the page's languages; "" (the default from
// the sources config) is one.
func CheckLang(lang string) error {
	switch lang {
	case "", English, Chinese:
		return nil
	}
	return fmt.Errorf("language %q: the report is written in %s or %s", lang, English, Chinese)
}

// chineseZones are the IANA time zones of China, Hong Kong, Macau and Taiwan (zone.tab's CN, HK,
// MO and TW), with their older names.
var chineseZones = []string{
	"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "Asia/Urumqi",
	"Asia/Kashgar", "PRC", "Asia/Hong_Kong", "Hongkong", "Asia/Macau", "Asia/Macao",
	"Asia/Taipei", "ROC",
}

// defaultLang is the page's language when Options.Lang is "": Chinese when the sources config
// names a business time zone of China, Hong Kong, Macau or Taiwan; English without a config, for
// any other zone, and for a config that names none (and takes the default zone).
func defaultLang(cfg *sources.Config) string {
	if cfg != nil && cfg.BusinessTimezoneSet &&
		slices.Contains(chineseZones, cfg.BusinessTimezone) {
		return Chinese
	}
	return English
}

// htmlLang is the page's lang attribute.
func htmlLang(lang string) string {
	if lang == Chinese {
		return language.SimplifiedChinese.String()
	}
	return English
}

// zhCatalog is zh.go's strings as an x/text catalog.
var zhCatalog = func() *catalog.Builder {
	b := catalog.NewBuilder()
	seen := map[string]bool{}
	for _, e := range zh {
		if seen[e[0]] {
			panic(fmt.Sprintf("report: zh.go translates %q twice", e[0]))
		}
		seen[e[0]] = true
		if err := b.SetString(language.SimplifiedChinese, e[0], e[1]); err != nil {
			panic(fmt.Sprintf("report: Chinese for %q: %v", e[0], err))
		}
	}
	return b
}()

// translator writes the page's words in one language and notes the keys the catalog lacks.
type translator struct {
	printer *message.Printer // nil in English: the keys are the English text
	missed  map[string]bool
}

func newTranslator(lang string) *translator {
	t := &translator{missed: map[string]bool{}}
	if lang == Chinese {
		t.printer = message.NewPrinter(language.SimplifiedChinese, message.Catalog(zhCatalog))
	}
	return t
}

// s is a fixed string in the translator's language.
func (t *translator) s(key string) string { return t.lookup(key, true) }

// code is a code's display name in the translator's language (trCode).
func (t *translator) code(c string) string { return t.lookup(label(c), false) }

// f formats a sentence whose format is the key.
func (t *translator) f(format string, args ...any) string {
	if t.printer == nil {
		return fmt.Sprintf(format, args...)
	}
	if _, ok := chinese(format); !ok {
		t.missed[format] = true
	}
	return t.printer.Sprintf(format, args...)
}

// lookup is key in the translator's language; a key the catalog lacks is shown as it is, and
// noted when it must have an entry.
func (t *translator) lookup(key string, must bool) string {
	if t.printer == nil || key == "" {
		return key
	}
	s, ok := chinese(key)
	if !ok {
		if must {
			t.missed[key] = true
		}
		return key
	}
	return s
}

// chinese is the catalog's text for key as written, false when it has none.
func chinese(key string) (string, bool) {
	var r rawText
	err := zhCatalog.Context(language.SimplifiedChinese, &r).Execute(key)
	return r.b.String(), err == nil
}

// rawText collects a catalog message as written: catalog.Context renders into it.
type rawText struct{ b strings.Builder }

func (r *rawText) Render(s string) { r.b.WriteString(s) }
func (r *rawText) Arg(int) any     { return nil }

// missing lists the keys the page needed and the catalog lacks, sorted.
func (t *translator) missing() []string {
	out := make([]string, 0, len(t.missed))
	for k := range t.missed {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var (
	// building is held while a report is built: words is that report's language, and money
	// (format.go) its currency.
	building sync.Mutex
	english  = newTranslator(English)
	words    = english
)

// speak makes lang the language of tr, trf and trCode, and currency (ISO 4217) the currency of
// amount, amountF and toMajor, until done is called (Build's duration).
func speak(lang, currency string) (done func()) {
	building.Lock()
	words, money = newTranslator(lang), currencyOf(currency)
	return func() {
		words, money = english, currencyOf(sources.DefaultCurrency)
		building.Unlock()
	}
}

// tr is a fixed string of the page, in the page's language.
func tr(s string) string { return words.s(s) }

// trf is fmt.Sprintf in the page's language: the format is the key, the values are formatted
// for the language (digits grouped in Chinese).
func trf(format string, args ...any) string { return words.f(format, args...) }

// trList is tr of each string: a table's head.
func trList(ss ...string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = tr(s)
	}
	return out
}

// trCode is a code's display name: its label (first_purchase → first purchase), in Chinese the
// catalog's entry for that label when it has one. Codes a config or the data bring (a stage of
// one's own, a reject reason) have none and are shown as their label.
func trCode(code string) string { return words.code(code) }
