// Package lifetime fits the BG/NBD and Gamma-Gamma models of package clv on grouped data: distinct
// summaries with the number of customers that share them. The objective is exactly clv.FitBGNBD's
// and clv.FitGammaGamma's (the mean negative log-likelihood over customers plus the penalizer,
// minimised over the log-parameters by BFGS from 0.1), so a grouped fit gives the parameters the
// ungrouped fit gives on the same customers; but its cost grows with the number of distinct groups,
// not of customers. In days, (frequency, recency, T) takes a few hundred thousand distinct values
// however many millions of buyers share them, which is what lets the nightly job fit on one worker.
//
// The log-likelihood terms and their gradients follow lifetimes' BetaGeoFitter and
// GammaGammaFitter as clv does; clv keeps its own unexported, so they are restated here and the
// tests check them against clv's LogLikelihood and fits. The optimiser and the special functions
// come from gonum, as in clv.
package lifetime
