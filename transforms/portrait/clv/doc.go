// Package clv computes customer lifetime value the way the Python `lifetimes`
// library does: the per-customer RFM summary of
// summary_data_from_transaction_data (freq='D' with a freq_multiplier), the
// BG/NBD purchase model (Fader, Hardie and Lee 2005, "Counting Your Customers
// the Easy Way") and the Gamma-Gamma spend model (Fader, Hardie and Lee 2005,
// "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis"), both
// fitted by maximum likelihood, and lifetimes' customer_lifetime_value.
//
// Real shops are not always BG/NBD populations: where few buyers come back, the likelihood is
// flat and the fit runs to a bound (b near 0, every repeat buyer gone the moment they buy).
// Untrusted says when a fit must not be used, FitBGNBDScaleFree and FitGammaGammaScaleFree
// penalise parameters that mean the same in any time or money unit, and Recency is the
// purchase model to fall back on (both it and BGNBD are a Purchases).
//
// Everything here is plain Go with no Beam: the nightly pipeline gathers the
// per-person summaries, fits the models once on one worker and applies them
// per person; the pipelines/clv command runs the same code on a transaction
// file.
//
// The likelihoods are maximised with gonum.org/v1/gonum/optimize (BFGS on
// analytic gradients, parameters in log space as lifetimes does) and the
// hypergeometric and digamma functions come from gonum's mathext: gonum is a
// maintained, well-tested numerical library, so none of that numerics is
// written here.
package clv
