package clv

import "math"

// LifetimesPeriodsPerMonth returns how many model time units make a month in
// lifetimes' customer_lifetime_value for a unit of unitDays days: 30 for
// days, 4.345 for weeks, 1 for months of 30 days and 720 for hours, as its
// freq argument 'D', 'W', 'M' and 'H' do; any other unit gets 30/unitDays.
func LifetimesPeriodsPerMonth(unitDays float64) float64 {
	switch unitDays {
	case 1:
		return 30
	case 7:
		return 4.345
	case 30:
		return 1
	case 1.0 / 24:
		return 30 * 24
	}
	return 30 / unitDays
}

// CustomerLifetimeValue returns a customer's discounted value over the next
// months months, as lifetimes' GammaGammaFitter.customer_lifetime_value
// computes it: for each month i, the purchase model's (BG/NBD's) expected
// purchases in that month times the Gamma-Gamma expected average profit,
// divided by (1+monthlyDiscount)^i. periodsPerMonth is the number of model time units
// in a month (see LifetimesPeriodsPerMonth); s holds frequency, recency and T
// in those units.
func CustomerLifetimeValue(bg Purchases, gg GammaGamma, s Summary, months int,
	monthlyDiscount, periodsPerMonth float64) float64 {
	profit := gg.ExpectedAverageProfit(s.Frequency, s.MonetaryValue)
	var clv float64
	prev := 0.0
	for i := 1; i <= months; i++ {
		t := float64(i) * periodsPerMonth
		cum := bg.ExpectedPurchases(t, s.Frequency, s.Recency, s.T)
		clv += profit * (cum - prev) / math.Pow(1+monthlyDiscount, float64(i))
		prev = cum
	}
	return clv
}
