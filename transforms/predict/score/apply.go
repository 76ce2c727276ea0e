package score

import "github.com/shopportraits/portraits/schemas"

// Clip bounds every stored probability to [Clip, 1-Clip]: the columns store 0 as null, so a
// prediction never rounds to 0, and churn risk never to 0 through a propensity of 1.
const Clip = 1e-6

// Apply sets a portrait's predictions from the card: Propensity30d for everyone and ChurnRisk for
// buyers (a paid order), each from Features of the portrait; a model the card lacks leaves its
// column null (0), whatever the portrait held before.
func (c *Card) Apply(p *schemas.Portrait) {
	p.Propensity30d, p.ChurnRisk = 0, 0
	prop, churn := c.Propensity.Model, c.Churn.Model
	buyer := Buyer(*p)
	if prop == nil && (churn == nil || !buyer) {
		return
	}
	x := Features(*p)
	if prop != nil {
		p.Propensity30d = clip(prop.Predict(x))
	}
	if churn != nil && buyer {
		p.ChurnRisk = clip(churn.Predict(x))
	}
}

func clip(p float64) float64 { return min(max(p, Clip), 1-Clip) }
