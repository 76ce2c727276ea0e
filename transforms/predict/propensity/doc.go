// Package propensity estimates, for every customer, the probability of at
// least one purchase in the next H days, and measures that estimate
// honestly.
//
// The model is an L2-regularised logistic regression on standardised
// features, fitted with gonum's optimize (BFGS on the analytic gradient),
// whose scores are calibrated by Platt scaling fitted on a separate part of
// the data and evaluated (AUC, log-loss, a calibration table) on a held-out
// part that neither fit saw. Train is generic over feature vectors: the
// nightly pipeline can feed it per-person portrait features.
//
// Features builds point-in-time features and labels from transactions: the
// features use only purchases up to a cutoff day (the BG/NBD model among
// them is fitted on those purchases alone) and the labels only purchases in
// the H days after it. ProbPurchase is BG/NBD's own probability of at least
// one purchase in a window, the baseline the learned model is compared with.
//
// Plain Go, no Beam; the numerics (optimisation, special functions) are
// gonum's, a maintained and well-tested library.
package propensity
