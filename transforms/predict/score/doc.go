// Package score sets each portrait's purchase propensity and churn risk in the nightly job, with
// models trained point-in-time correctly on the same night's data.
//
// The nightly job builds portraits twice with the very same code (portrait.Build): as of the run
// day (today's portraits) and as of the cutoff, the run day minus the horizon H (portrait.Config
// AsOf), which ignores every fact after the cutoff day. Each cutoff portrait is a training row
// whose features come from Features (the one function that also gives today's features) and whose
// label says whether the person placed a paid order in the H days after the cutoff: today's paid
// orders outnumber the cutoff's (label.go says why). Two models are fitted with propensity.Train in
// one step on one worker, over a bounded seeded sample: propensity over every person present at the
// cutoff, and churn (no purchase in H days) over the buyers at the cutoff. Both then score today's
// portraits in one ParDo with the trained Card as a side input. A Card describes the models, their
// held-out metrics and the BG/NBD baseline's on the same rows.
//
// The pure logic (features, labels, the bounded sample, the fit and the scoring of one portrait)
// is plain Go; the Beam wiring is in score.go.
package score
