package portrait

import "github.com/shopportraits/portraits/transforms/portrait/clv"

// Lifecycle stages, from the least to the most engaged, then the lapsing ones.
const (
	Unaware       = "unaware"
	Aware         = "aware"
	Interested    = "interested"
	FirstPurchase = "first_purchase"
	Repeat        = "repeat"
	Loyal         = "loyal"
	Dormant       = "dormant"
	ChurnRisk     = "churn_risk"
)

// lifecycle places the person by the rules of LifecycleRules.
func (a *Acc) lifecycle(s clv.Summary, buyer bool, pAlive *float64, e *env) string {
	r := e.rules.Lifecycle
	if !buyer {
		switch {
		case a.lastInterest > 0 && daysAgo(a.lastInterest, e) <= int32(r.InterestedDays):
			return Interested
		case a.lastSeen > 0 || a.accounts > 0 || a.spineAccounts > 0:
			return Aware
		}
		return Unaware
	}
	since := s.T - s.Recency
	switch {
	case since <= float64(r.ChurnRiskDays):
		// Bought within churn_risk_days: never lapsing, whatever a model says.
	case pAlive != nil && s.Frequency > 0:
		switch {
		case *pAlive < r.DormantPAlive:
			return Dormant
		case *pAlive < r.ChurnRiskPAlive:
			return ChurnRisk
		}
	case since > float64(r.DormantDays):
		return Dormant
	default:
		return ChurnRisk
	}
	recent := 0
	for _, d := range a.purchaseDays {
		if e.age(d.Day) < int32(r.LoyalWindowDays) {
			recent++
		}
	}
	switch {
	case recent >= r.LoyalMinDays:
		return Loyal
	case s.Frequency > 0:
		return Repeat
	}
	return FirstPurchase
}
