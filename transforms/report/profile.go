package report

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/shopportraits/portraits/schemas"
)

// unknown is the row of persons a characteristic is not known for.
const unknown = "(unknown)"

// tally counts persons and sums their GMV per value of one characteristic.
type tally struct {
	persons, gmv map[string]int64
}

func newTally() tally { return tally{persons: map[string]int64{}, gmv: map[string]int64{}} }

func (t tally) add(value string, gmv int64) {
	if value == "" {
		value = unknown
	}
	t.persons[value]++
	t.gmv[value] += gmv
}

// byPersons lists the values, most persons first (then by name), unknown last, at most n (0: all).
func (t tally) byPersons(n int) []string {
	var out []string
	for v := range t.persons {
		if v != unknown {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(t.persons[b], t.persons[a]), cmp.Compare(a, b))
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	if t.persons[unknown] > 0 {
		out = append(out, unknown)
	}
	return out
}

// profile describes the persons: who (age band, gender, city tier, province), what (top
// categories and brands, price band), when (best contact weekday and hour), through which channel
// (preferred channel, messages opened), and what they say (sentiment, complaints).
type profile struct {
	persons                                     int64
	age, gender, tier, province, band, channel  tally
	categories, brands                          tally
	when                                        clock // persons by best contact time
	received, opened                            int64
	withSentiment, positive, negative, complain int64
	// purchases are the paid orders by the time they were placed (nil without an orders
	// table), and zone names the business time zone both clocks are in.
	purchases *clock
	zone      string
}

func newProfile() *profile {
	return &profile{age: newTally(), gender: newTally(), tier: newTally(), province: newTally(),
		band: newTally(), channel: newTally(), categories: newTally(), brands: newTally()}
}

// add counts one portrait.
func (f *profile) add(p *schemas.Portrait) {
	f.persons++
	f.age.add(p.AgeBand, p.GMVFen)
	f.gender.add(p.Gender, p.GMVFen)
	tier := ""
	if p.CityTier > 0 {
		tier = trf("tier %d", p.CityTier)
	}
	f.tier.add(tier, p.GMVFen)
	f.province.add(p.Province, p.GMVFen)
	f.band.add(p.PriceBand, p.GMVFen)
	f.channel.add(p.PreferredChannel, p.GMVFen)
	for _, c := range p.TopCategories {
		f.categories.add(c, p.GMVFen)
	}
	for _, b := range p.TopBrands {
		f.brands.add(b, p.GMVFen)
	}
	if p.BestContactWeekday >= 1 && p.BestContactWeekday <= 7 && p.BestContactHour != nil &&
		*p.BestContactHour >= 0 && *p.BestContactHour < 24 {
		f.when[p.BestContactWeekday-1][*p.BestContactHour]++
	}
	f.received += int64(p.TouchesReceived30d)
	f.opened += int64(p.TouchesOpened30d)
	if p.Sentiment != nil {
		f.withSentiment++
		if *p.Sentiment >= 0.5 {
			f.positive++
		} else {
			f.negative++
		}
	}
	if p.OpenComplaints > 0 {
		f.complain++
	}
}

// section is the customers section: one table per characteristic, persons and GMV per value.
func (f *profile) section() (Section, error) {
	sec := Section{ID: "customers", Title: tr("Customers"),
		Intro: tr("Who they are, what they buy, when to reach them, through which channel, and " +
			"what they say: persons and GMV per value of each characteristic of their portraits. " +
			"A person counts under each of their top categories and brands.")}
	tables := []struct {
		caption, column string
		t               tally
		n               int
	}{
		{"Who: age band", "age band", f.age, 0},
		{"Who: gender", "gender", f.gender, 0},
		{"Who: city tier", "city tier", f.tier, 0},
		{"Who: provinces (top 10)", "province", f.province, 10},
		{"What: top categories", "category", f.categories, 0},
		{"What: top brands (top 10)", "brand", f.brands, 10},
		{"What: price band", "price band", f.band, 0},
		{"Which channel: preferred channel", "channel", f.channel, 0},
	}
	for _, tb := range tables {
		t := Table{Caption: tr(tb.caption),
			Head: trList(tb.column, "persons", "share of persons", "GMV", "share of GMV")}
		var gmv int64
		for _, v := range tb.t.gmv {
			gmv += v
		}
		for _, v := range tb.t.byPersons(tb.n) {
			t.Rows = append(t.Rows, []Cell{txt(valueName(tb.column, v)),
				num(count(tb.t.persons[v])),
				num(percent(ratio(tb.t.persons[v], f.persons))), num(amount(tb.t.gmv[v])),
				num(percent(ratio(tb.t.gmv[v], gmv)))})
		}
		sec.Blocks = append(sec.Blocks, Block{Table: &t})
	}
	if f.purchases != nil {
		b, err := f.purchases.block("chart-purchase-clock",
			tr("When: paid orders by weekday and hour placed"),
			trf("When: paid orders by weekday and hour placed (%s)", f.zone))
		if err != nil {
			return sec, err
		}
		sec.Blocks = append(sec.Blocks, b)
	}
	b, err := f.when.block("chart-contact-clock", tr("When: persons by best contact time"),
		trf("When: persons by best contact weekday and hour (%s)", f.zone))
	if err != nil {
		return sec, err
	}
	sec.Blocks = append(sec.Blocks, b, Block{Table: f.voiceTable()})
	return sec, nil
}

// codedColumns are the characteristics whose values are the product's codes, shown in the
// page's language; the others' values are data (age bands, provinces, categories, brands).
var codedColumns = []string{"gender", "price band", "channel"}

// valueName is how a value of the characteristic in column is shown.
func valueName(column, v string) string {
	if v == unknown || slices.Contains(codedColumns, column) {
		return trCode(v)
	}
	return label(v)
}

// voiceTable is the messages opened and what the persons' texts say.
func (f *profile) voiceTable() *Table {
	t := &Table{Caption: tr("Which channel and feedback"), Head: trList("measure", "value"),
		Rows: [][]Cell{
			{txt(tr("marketing messages received in 30 days")), num(count(f.received))},
			{txt(tr("opened or clicked")), num(fmt.Sprintf("%s (%s)", count(f.opened),
				percent(ratio(f.opened, f.received))))},
			{txt(tr("persons whose texts were scored")), num(count(f.withSentiment))},
		}}
	if f.withSentiment == 0 {
		t.Rows = append(t.Rows, []Cell{txt(tr("sentiment")),
			txt(tr("not scored tonight: the model card's sentiment says why"))})
	} else {
		t.Rows = append(t.Rows,
			[]Cell{txt(tr("positive on the whole")),
				num(percent(ratio(f.positive, f.withSentiment)))},
			[]Cell{txt(tr("negative on the whole")),
				num(percent(ratio(f.negative, f.withSentiment)))})
	}
	t.Rows = append(t.Rows,
		[]Cell{txt(tr("persons with an open complaint")), num(count(f.complain))})
	return t
}
