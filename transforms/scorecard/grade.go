// Package scorecard grades every person from 1 to 5 on contribution, activity, loyalty and credit,
// the scorecard of precision-marketing practice, by the night's global quantiles, as the RFM
// scores are (package quantile): a grade says where a person stands among tonight's persons.
//
//   - contribution_grade, buyers: quintile of net_gmv_fen + clv_12m_fen, past value plus the
//     predicted next twelve months (0 when there is no CLV).
//   - activity_grade, persons seen: the mean, rounded half up, of the quintile score of
//     days_since_last_seen (fewer days score higher) and of active_days_90d.
//   - loyalty_grade, buyers: the mean, rounded half up, of the quintile score of purchase days
//     (frequency + 1) and of t_days, the days since the first purchase.
//   - credit_grade, persons who placed an order: 5 with no incident (a cancelled order, a refunded
//     order, a complaint or return ticket); otherwise 4 to 1 by quartile of incidents per thousand
//     orders placed among the persons with any, 1 for the most.
//
// A person outside a grade's population gets null. The cut points are the Card, written beside
// the model card (scorecard.json). docs/scorecards.md says why each rule is what it is.
package scorecard

import (
	"encoding/json"
	"fmt"

	"github.com/shopportraits/portraits/schemas"
	"github.com/shopportraits/portraits/transforms/quantile"
)

// Grades run from 1 to five; the credit grade's incidents are cut in four quarters below 5.
const (
	grades        = 5
	incidentParts = 4
)

// Card holds the night's cut points: the lower bounds of the histogram buckets at the quintiles
// (quartiles for incidents) of each input among its population, and the populations' sizes.
type Card struct {
	// ContributionCuts cut net_gmv_fen + clv_12m_fen among buyers, in fen.
	ContributionCuts []int64 `json:"contribution_cuts"`
	// SinceSeenCuts and ActiveDaysCuts cut days_since_last_seen and active_days_90d among the
	// persons seen.
	SinceSeenCuts  []int64 `json:"activity_days_since_seen_cuts"`
	ActiveDaysCuts []int64 `json:"activity_active_days_90d_cuts"`
	// PurchaseDaysCuts and TenureCuts cut purchase days and t_days among buyers.
	PurchaseDaysCuts []int64 `json:"loyalty_purchase_days_cuts"`
	TenureCuts       []int64 `json:"loyalty_tenure_days_cuts"`
	// IncidentCuts cut incidents per thousand orders placed among the persons with any.
	IncidentCuts []int64 `json:"credit_incidents_per_mille_cuts"`
	// Persons, Buyers, Seen, Ordered and WithIncidents size the populations.
	Persons       int64 `json:"persons"`
	Buyers        int64 `json:"buyers"`
	Seen          int64 `json:"seen"`
	Ordered       int64 `json:"ordered"`
	WithIncidents int64 `json:"with_incidents"`
}

// Stats are the histograms the Card is cut from: merged in any order, a few kilobytes each.
type Stats struct {
	Contribution, SinceSeen, ActiveDays, PurchaseDays, Tenure, Incidents quantile.Histogram
	Persons, Buyers, Seen, Ordered, WithIncidents                        int64
}

// NewStats returns empty stats.
func NewStats() *Stats {
	return &Stats{
		Contribution: quantile.New(),
		SinceSeen:    quantile.New(),
		ActiveDays:   quantile.New(),
		PurchaseDays: quantile.New(),
		Tenure:       quantile.New(),
		Incidents:    quantile.New(),
	}
}

// inputs are a portrait's graded figures and which populations it belongs to.
type inputs struct {
	buyer, seen, ordered                  bool
	contribution, sinceSeen, activeDays   int64
	purchaseDays, tenure, incidentsPerMil int64
	incidents                             int64
}

func inputsOf(p *schemas.Portrait) inputs {
	in := inputs{buyer: p.Orders > 0, seen: p.DaysSinceLastSeen != nil}
	in.contribution = p.NetGMVFen
	if p.CLV12mFen != nil {
		in.contribution += *p.CLV12mFen
	}
	if in.seen {
		in.sinceSeen = int64(*p.DaysSinceLastSeen)
	}
	in.activeDays = int64(p.ActiveDays90d)
	in.purchaseDays, in.tenure = int64(p.Frequency)+1, int64(p.TDays)
	placed := int64(p.Orders) + int64(p.CancelledOrders)
	in.ordered = placed > 0
	in.incidents = int64(p.CancelledOrders) + int64(p.RefundedOrders) + int64(p.Disputes)
	if in.ordered {
		in.incidentsPerMil = 1000 * in.incidents / placed
	}
	return in
}

// Add counts one portrait.
func (s *Stats) Add(p *schemas.Portrait) {
	in := inputsOf(p)
	s.Persons++
	if in.buyer {
		s.Buyers++
		s.Contribution.Add(in.contribution)
		s.PurchaseDays.Add(in.purchaseDays)
		s.Tenure.Add(in.tenure)
	}
	if in.seen {
		s.Seen++
		s.SinceSeen.Add(in.sinceSeen)
		s.ActiveDays.Add(in.activeDays)
	}
	if in.ordered {
		s.Ordered++
		if in.incidents > 0 {
			s.WithIncidents++
			s.Incidents.Add(in.incidentsPerMil)
		}
	}
}

// Merge adds o to s.
func (s *Stats) Merge(o *Stats) {
	s.Contribution.Merge(o.Contribution)
	s.SinceSeen.Merge(o.SinceSeen)
	s.ActiveDays.Merge(o.ActiveDays)
	s.PurchaseDays.Merge(o.PurchaseDays)
	s.Tenure.Merge(o.Tenure)
	s.Incidents.Merge(o.Incidents)
	s.Persons += o.Persons
	s.Buyers += o.Buyers
	s.Seen += o.Seen
	s.Ordered += o.Ordered
	s.WithIncidents += o.WithIncidents
}

// Card cuts the histograms.
func (s *Stats) Card() Card {
	return Card{
		ContributionCuts: s.Contribution.Cuts(grades),
		SinceSeenCuts:    s.SinceSeen.Cuts(grades),
		ActiveDaysCuts:   s.ActiveDays.Cuts(grades),
		PurchaseDaysCuts: s.PurchaseDays.Cuts(grades),
		TenureCuts:       s.Tenure.Cuts(grades),
		IncidentCuts:     s.Incidents.Cuts(incidentParts),
		Persons:          s.Persons,
		Buyers:           s.Buyers,
		Seen:             s.Seen,
		Ordered:          s.Ordered,
		WithIncidents:    s.WithIncidents,
	}
}

// Apply sets the portrait's four grades from the card, whatever they held before; a grade whose
// population the person is not in, or whose cuts the card lacks, is null (0).
func (c *Card) Apply(p *schemas.Portrait) {
	in := inputsOf(p)
	p.ContributionGrade, p.ActivityGrade, p.LoyaltyGrade, p.CreditGrade = 0, 0, 0, 0
	if in.buyer {
		p.ContributionGrade = quantile.ScoreHigh(c.ContributionCuts, grades, in.contribution)
		p.LoyaltyGrade = meanOf(quantile.ScoreHigh(c.PurchaseDaysCuts, grades, in.purchaseDays),
			quantile.ScoreHigh(c.TenureCuts, grades, in.tenure))
	}
	if in.seen {
		p.ActivityGrade = meanOf(quantile.ScoreLow(c.SinceSeenCuts, grades, in.sinceSeen),
			quantile.ScoreHigh(c.ActiveDaysCuts, grades, in.activeDays))
	}
	if in.ordered {
		p.CreditGrade = grades
		if in.incidents > 0 {
			p.CreditGrade = quantile.ScoreLow(c.IncidentCuts, incidentParts, in.incidentsPerMil)
		}
	}
}

// meanOf is the mean of two scores rounded half up; 0 (null) when either is.
func meanOf(a, b int32) int32 {
	if a == 0 || b == 0 {
		return 0
	}
	return (a + b + 1) / 2
}

func encodeStats(s *Stats) ([]byte, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("scorecard: %w", err)
	}
	return data, nil
}

func decodeStats(data []byte) (*Stats, error) {
	s := NewStats()
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("scorecard: %w", err)
	}
	return s, nil
}
