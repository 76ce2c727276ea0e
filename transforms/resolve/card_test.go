package resolve

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/shopportraits/portraits/transforms/resolve/linkage"
)

// TestMatchCard describes fitted models: a level's weight is log2(m/u), the post model carries its
// owner share and the account model the prior of two random accounts, and the card encodes as JSON.
func TestMatchCard(t *testing.T) {
	params := func(md model) *linkage.Params {
		p := initialParams(md, nil, nil, DefaultConfig().Match)
		p.Lambda = 0.01
		return p
	}
	post := params(postModel)
	post.M[postLast4], post.U[postLast4] = []float64{0.8, 0.2}, []float64{0.0001, 0.9999}
	fit := &fitted{
		Params: []*linkage.Params{params(ticketModel), post, params(accountModel)},
		Prior:  1e-6,
	}
	card := matchCard(fit, []float64{0.5, 0.7, 0.5}, 0.95)
	if len(card.Models) != 3 || card.Threshold != 0.95 {
		t.Fatalf("card: %+v", card)
	}
	tk, ps, ac := card.Models[0], card.Models[1], card.Models[2]
	if tk.OwnerShare != 0 || ps.OwnerShare != 0.7 || ac.OwnerShare != 0 {
		t.Errorf(
			"owner shares: ticket %v, post %v, account %v; want 0, 0.7, 0",
			tk.OwnerShare,
			ps.OwnerShare,
			ac.OwnerShare,
		)
	}
	if tk.Prior != 0.01 || ac.Prior != 1e-6 {
		t.Errorf("priors: ticket %v, account %v", tk.Prior, ac.Prior)
	}
	last4 := ps.Fields[postLast4]
	if last4.Name != "phone_last4" || len(last4.Levels) != 2 ||
		math.Abs(last4.Levels[0].Weight-math.Log2(0.8/0.0001)) > 0.01 {
		t.Errorf("post's last four digits: %+v", last4)
	}
	data, err := json.Marshal(card)
	if err != nil || !strings.Contains(string(data), `"weight_bits":12.97`) {
		t.Errorf("JSON: %s, %v", data, err)
	}
}
