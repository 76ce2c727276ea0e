package propensity

import (
	"math"

	"github.com/shopportraits/portraits/transforms/portrait/clv"
)

// ProbPurchase returns BG/NBD's probability that a customer with this
// frequency x, recency t_x and age T (in m's time units) makes at least one
// purchase in the next t units: P(X(T, T+t) > 0 | x, t_x, T).
//
// Derivation. Given the purchase rate λ and dropout probability p, a customer
// alive at T buys nothing in (T, T+t] with probability e^{-λt}, a customer
// who has dropped out with probability 1. The joint likelihood of the
// history (Fader, Hardie and Lee 2005, eq. 3) is
// (1-p)^x λ^x e^{-λT} (alive at T) + δ_{x>0} p(1-p)^{x-1} λ^x e^{-λ t_x}
// (dropped after the x-th purchase), so P(X(T,T+t) = 0 | λ, p, history)
// multiplies the first term by e^{-λt}. Integrating both terms over the
// Gamma(r, α) and Beta(a, b) mixing distributions and dividing gives
//
//	P(X=0) = [B(a,b+x)/(α+T+t)^{r+x} + δ B(a+1,b+x-1)/(α+t_x)^{r+x}]
//	       / [B(a,b+x)/(α+T)^{r+x}   + δ B(a+1,b+x-1)/(α+t_x)^{r+x}],
//
// which is eq. 34 of Fader and Hardie (2019), "A Step-by-Step Derivation of
// the BG/NBD Model" (brucehardie.com note 039). With
// D = δ_{x>0} a/(b+x-1) ((α+T)/(α+t_x))^{r+x}, P(alive) = 1/(1+D) (lifetimes'
// conditional_probability_alive, clv.BGNBD.ProbAlive) and
// P(X=0) = (D + ((α+T)/(α+T+t))^{r+x}) / (1+D), so its complement is
//
//	P(X(T,T+t) > 0 | x, t_x, T) = P(alive) · (1 - ((α+T)/(α+T+t))^{r+x}).
//
// For a new customer (x = t_x = T = 0) it is 1 - (α/(α+t))^r, the complement
// of lifetimes' probability_of_n_purchases_up_to_time(t, 0).
func ProbPurchase(m clv.BGNBD, t, frequency, recency, T float64) float64 {
	if !(t > 0) {
		return 0
	}
	// 1 - ((α+T)/(α+T+t))^{r+x}, without cancellation for small t.
	buys := -math.Expm1((m.R + frequency) * math.Log1p(-t/(m.Alpha+T+t)))
	return m.ProbAlive(frequency, recency, T) * buys
}
