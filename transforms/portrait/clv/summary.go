package clv

import (
	"slices"
	"sort"
	"time"
)

// Transaction is one purchase of one customer.
type Transaction struct {
	// Customer is the customer (or person) id.
	Customer string
	// Time is when the purchase happened; only its calendar date, in its
	// own location, is used.
	Time time.Time
	// Amount is the purchase amount in any currency unit; amounts of
	// purchases on the same day are summed. Whole minor units (cents) keep
	// the sums exact.
	Amount float64
}

// Summary is one customer's RFM summary as lifetimes'
// summary_data_from_transaction_data computes it with freq='D'.
type Summary struct {
	// Customer is the customer id.
	Customer string
	// Frequency is the number of repeat purchase days: distinct purchase
	// days up to the observation end, minus one.
	Frequency float64
	// Recency is the time from the first to the last purchase day, in units.
	Recency float64
	// T is the time from the first purchase day to the observation end, in units.
	T float64
	// MonetaryValue is the mean amount per repeat purchase day (the first
	// purchase day excluded), 0 when Frequency is 0.
	MonetaryValue float64
	// RepeatAmount is the amount of the repeat purchase days, summed: the
	// numerator of MonetaryValue (see InUnits).
	RepeatAmount float64
}

// InUnits is the summary with its money divided by perUnit, such as amounts
// in cents given in whole currency units with perUnit 100: the mean is one
// division of the exact sum, so a mean of 2234.5 cents is 22.345, not the
// 22.344999999999999 of dividing the mean again.
func (s Summary) InUnits(perUnit float64) Summary {
	if s.Frequency > 0 {
		s.MonetaryValue = s.RepeatAmount / (s.Frequency * perUnit)
	}
	s.RepeatAmount /= perUnit
	return s
}

// civilDay numbers t's calendar date (in t's location) as days since 1970-01-01.
func civilDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Summarize builds one Summary per customer from tx, sorted by customer id.
// Purchases are bucketed per calendar day; days after end's calendar day are
// ignored, and customers with no purchase up to end are left out. Recency and
// T are in units of unitDays days (lifetimes' freq_multiplier), e.g. 7 for
// weeks. It panics if unitDays is not positive.
func Summarize(tx []Transaction, end time.Time, unitDays float64) []Summary {
	if !(unitDays > 0) {
		panic("clv.Summarize: unitDays must be positive")
	}
	endDay := civilDay(end)
	perCustomer := map[string]map[int64]float64{}
	for _, t := range tx {
		day := civilDay(t.Time)
		if day > endDay {
			continue
		}
		days := perCustomer[t.Customer]
		if days == nil {
			days = map[int64]float64{}
			perCustomer[t.Customer] = days
		}
		days[day] += t.Amount
	}
	out := make([]Summary, 0, len(perCustomer))
	for c, days := range perCustomer {
		order := make([]int64, 0, len(days))
		for d := range days {
			order = append(order, d)
		}
		slices.Sort(order) // sum in day order, so the result is deterministic
		first, last := order[0], order[len(order)-1]
		var repeat float64
		for _, d := range order[1:] {
			repeat += days[d]
		}
		s := Summary{
			Customer:  c,
			Frequency: float64(len(days) - 1),
			Recency:   float64(last-first) / unitDays,
			T:         float64(endDay-first) / unitDays,
		}
		if s.Frequency > 0 {
			s.MonetaryValue, s.RepeatAmount = repeat/s.Frequency, repeat
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Customer < out[j].Customer })
	return out
}
