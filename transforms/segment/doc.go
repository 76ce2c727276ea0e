// Package segment turns portraits into audiences marketing can act on: rule segments written as
// CEL expressions in a YAML file (package rules), RFM segments, value deciles, k-means clusters,
// product affinity rules with each person's next best products, and activation lists that leave
// out persons without consent or with an open complaint and respect a weekly contact cap.
//
// What runs where (the figures say where a worker's memory stops holding):
//   - Rule, RFM and value segments are computed per portrait, in parallel; the value deciles need
//     every buyer's gmv_fen on one worker (8 bytes a buyer).
//   - Clusters: k-means (package kmeans) is trained in one step on a seeded sample of at most
//     clusters.sample portraits (default 50,000, about 100 bytes each), then every portrait is
//     assigned to its nearest centroid with the model as a side input.
//   - Affinity: the baskets of paid orders are mined on one worker (package affinity, FP-growth),
//     at SKU and at category level; each person's purchases fire the SKU rules, a side input of at
//     most affinity.max_rules rows.
//   - Activation: each person's rule matches are decided in one place (priority, consent,
//     complaint, phone, cap), after one shuffle joining the person's phone; each activated
//     segment's CSV file is written by one worker.
//   - Membership sums are combined per segment before the summary is written on one worker.
//
// Shuffles carry one element per account, per order line, per person or per bundle and segment,
// never one per event.
package segment
