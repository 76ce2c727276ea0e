package segment

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	beamstats "github.com/apache/beam/sdks/v2/go/pkg/beam/transforms/stats"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/fnreg"
)

// characteristic reads one characteristic of a portrait as text, "" when the person has none.
type characteristic func(p *schemas.Portrait) string

// grade reads a 1-5 grade, null as "".
func grade(g int32) string {
	if g == 0 {
		return ""
	}
	return strconv.Itoa(int(g))
}

// Characteristics are the portrait columns an association analysis may combine, each a handful
// of values: the scorecard grades, the channel, the lifecycle stage and the demographics.
var Characteristics = map[string]characteristic{
	"contribution_grade": func(p *schemas.Portrait) string { return grade(p.ContributionGrade) },
	"activity_grade":     func(p *schemas.Portrait) string { return grade(p.ActivityGrade) },
	"loyalty_grade":      func(p *schemas.Portrait) string { return grade(p.LoyaltyGrade) },
	"credit_grade":       func(p *schemas.Portrait) string { return grade(p.CreditGrade) },
	"preferred_channel":  func(p *schemas.Portrait) string { return p.PreferredChannel },
	"lifecycle":          func(p *schemas.Portrait) string { return p.Lifecycle },
	"age_band":           func(p *schemas.Portrait) string { return p.AgeBand },
	"gender":             func(p *schemas.Portrait) string { return p.Gender },
	"city_tier":          func(p *schemas.Portrait) string { return grade(p.CityTier) },
	"price_band":         func(p *schemas.Portrait) string { return p.PriceBand },
}

// AssociationConfig configures the association analysis of customer characteristics.
type AssociationConfig struct {
	// Characteristics are the columns combined (names of Characteristics; default all of them).
	Characteristics []string `yaml:"characteristics"`
	// MinSupport is the least share of persons holding a combination (default 0.01).
	MinSupport float64 `yaml:"min_support"`
	// MinCount is the least number of persons holding it (default 10).
	MinCount int `yaml:"min_count"`
	// MinLift is the least lift of a combination listed (default 1.2).
	MinLift float64 `yaml:"min_lift"`
	// MaxLen bounds the characteristics of a combination, 2 or 3 (default 3).
	MaxLen int `yaml:"max_len"`
	// MaxRows keeps the combinations of highest lift (default 500).
	MaxRows int `yaml:"max_rows"`
}

// associations finds the combinations of characteristics that persons share more often than
// chance: each bundle counts its persons per profile (their characteristics, in config order),
// the counts are summed per profile, and one step counts every combination of each distinct
// profile, as many as the characteristics' values allow, not one per person.
func associations(s beam.Scope, portraits beam.PCollection,
	cfg AssociationConfig) beam.PCollection {
	s = s.Scope("associations")
	counted := beam.ParDo(s, &characteristicsFn{Names: cfg.Characteristics}, portraits)
	profiles := beamstats.SumPerKey(s, counted)
	return beam.ParDo(s, &associateFn{Cfg: cfg}, beam.Impulse(s), beam.SideInput{Input: profiles})
}

// characteristicsFn counts the bundle's persons per profile: the characteristics' values joined
// by keySep in config order, "" for a characteristic the person has none of.
type characteristicsFn struct {
	Names []string

	read   []characteristic
	counts map[string]int64
}

func (f *characteristicsFn) Setup() error {
	for _, n := range f.Names {
		c, ok := Characteristics[n]
		if !ok {
			return fmt.Errorf("segment: unknown characteristic %q", n)
		}
		f.read = append(f.read, c)
	}
	return nil
}

func (f *characteristicsFn) ProcessElement(p schemas.Portrait, _ func(string, int64)) {
	if f.counts == nil {
		f.counts = map[string]int64{}
	}
	values := make([]string, len(f.read))
	for i, read := range f.read {
		values[i] = read(&p)
	}
	f.counts[strings.Join(values, keySep)]++
}

func (f *characteristicsFn) FinishBundle(emit func(string, int64)) {
	for k, n := range f.counts {
		emit(k, n)
	}
	f.counts = nil
}

// associateFn counts every combination once over the distinct profiles and writes the table.
type associateFn struct {
	Cfg AssociationConfig
}

func (f *associateFn) ProcessElement(_ []byte, profiles func(*string, *int64) bool,
	emit func(schemas.CharacteristicAssociation)) {
	counts := map[string]int64{}
	var n int64
	var key string
	var c int64
	for profiles(&key, &c) {
		n += c
		countCombinations(counts, itemsOf(f.Cfg.Characteristics, key), f.Cfg.MaxLen, c)
	}
	for _, r := range associationRows(counts, n, f.Cfg) {
		emit(r)
	}
}

// itemsOf turns a profile key into its column=value items, sorted, the empty ones left out.
func itemsOf(names []string, key string) []string {
	var items []string
	for i, v := range strings.Split(key, keySep) {
		if v != "" && i < len(names) {
			items = append(items, names[i]+"="+v)
		}
	}
	slices.Sort(items)
	return items
}

// countCombinations adds c to the count of every combination of 1 to maxLen of items (sorted),
// each keyed by its items joined by keySep.
func countCombinations(counts map[string]int64, items []string, maxLen int, c int64) {
	var pick func(start int, chosen []string)
	pick = func(start int, chosen []string) {
		for i := start; i < len(items); i++ {
			next := append(chosen[:len(chosen):len(chosen)], items[i])
			counts[strings.Join(next, keySep)] += c
			if len(next) < maxLen {
				pick(i+1, next)
			}
		}
	}
	pick(0, nil)
}

// associationRows lists the combinations of two or more characteristics that pass the
// thresholds, by lift, then support, then items, numbered from 1; n is the persons.
func associationRows(counts map[string]int64, n int64,
	cfg AssociationConfig) []schemas.CharacteristicAssociation {
	if n == 0 {
		return nil
	}
	least := max(int64(cfg.MinCount), int64(math.Ceil(cfg.MinSupport*float64(n))))
	var out []schemas.CharacteristicAssociation
	for key, c := range counts {
		items := strings.Split(key, keySep)
		if len(items) < 2 || c < least {
			continue
		}
		expected := 1.0
		for _, it := range items {
			expected *= float64(counts[it]) / float64(n)
		}
		support := float64(c) / float64(n)
		lift := support / expected
		if lift < cfg.MinLift {
			continue
		}
		out = append(out, schemas.CharacteristicAssociation{Characteristics: items,
			Size:  int32(len(items)),
			Count: c, Support: support, ExpectedSupport: expected, Lift: lift})
	}
	slices.SortFunc(out, func(a, b schemas.CharacteristicAssociation) int {
		return cmp.Or(cmp.Compare(b.Lift, a.Lift), cmp.Compare(b.Count, a.Count),
			slices.Compare(a.Characteristics, b.Characteristics))
	})
	out = out[:min(len(out), cfg.MaxRows)]
	for i := range out {
		out[i].AssociationID = int64(i + 1)
	}
	return out
}

func init() {
	fnreg.DoFn2x0[schemas.Portrait, func(string, int64)](&characteristicsFn{})
	fnreg.DoFn3x0[[]byte, func(*string, *int64) bool,
		func(schemas.CharacteristicAssociation)](&associateFn{})
	register.Emitter1[schemas.CharacteristicAssociation]()
	register.Iter2[string, int64]()
}
