package resolve

import "math"

// MatchCard is what a night's probabilistic matching fitted, for whoever audits a match or a miss:
// per model the prior, the share of weak records with an owner, and per field and level the m and
// u probabilities with the match weight in bits. The nightly job writes it as match_model.json.
type MatchCard struct {
	// Threshold is the match probability at or above which a weak record joins an account.
	Threshold float64     `json:"threshold"`
	Models    []ModelCard `json:"models"`
}

// ModelCard is one Fellegi-Sunter model of a MatchCard.
type ModelCard struct {
	Name string `json:"name"`
	// Prior is a pair's match probability before comparison: for tickets EM's match share of the
	// fitting pairs, for posts one over the accounts, for accounts that of two random accounts
	// (whose exact name or handle then weighs by how many accounts share it, not as the card says).
	Prior float64 `json:"prior"`
	// OwnerShare is, for a model scored as one of accounts (posts), the share of its weak records
	// with candidates that belong to some account (ownerShare); absent for the others.
	OwnerShare float64     `json:"owner_share,omitempty"`
	Fields     []FieldCard `json:"fields"`
}

// FieldCard is one compared field of a ModelCard, its closest level first.
type FieldCard struct {
	Name   string      `json:"name"`
	Levels []LevelCard `json:"levels"`
}

// LevelCard is one comparison level: m (the share of matches at that level), u (of non-matches)
// and the match weight log2(m/u) in bits that a pair at that level gains.
type LevelCard struct {
	Level  string  `json:"level"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	Weight float64 `json:"weight_bits"`
}

// cardFn makes the night's MatchCard from the fitted parameters and the owner shares' histogram.
type cardFn struct {
	Threshold float64
}

func (f *cardFn) ProcessElement(
	_ []byte,
	params func(*string) bool,
	owned func(*oddsBin, *int) bool,
	emit func(MatchCard),
) error {
	fit, err := decodeFitted(params)
	if err != nil {
		return err
	}
	emit(matchCard(fit, ownerShare(owned), f.Threshold))
	return nil
}

// matchCard describes every model of fit.
func matchCard(fit *fitted, owned []float64, threshold float64) MatchCard {
	card := MatchCard{Threshold: threshold}
	for m, md := range models {
		p := fit.Params[m]
		if p == nil {
			continue
		}
		mc := ModelCard{Name: md.Name, Prior: p.Lambda}
		switch {
		case md.Accounts:
			mc.Prior = fit.Prior
		case md.Sessions != nil:
			mc.OwnerShare = owned[m]
		}
		for fi, name := range p.Fields {
			fc := FieldCard{Name: name}
			for l, level := range p.Levels[fi] {
				fc.Levels = append(
					fc.Levels,
					LevelCard{
						Level:  level,
						M:      p.M[fi][l],
						U:      p.U[fi][l],
						Weight: rounded(p.Weight(fi, l)),
					},
				)
			}
			mc.Fields = append(mc.Fields, fc)
		}
		card.Models = append(card.Models, mc)
	}
	return card
}

// rounded keeps a weight to two decimals: the card is read by people.
func rounded(w float64) float64 { return math.Round(w*100) / 100 }
